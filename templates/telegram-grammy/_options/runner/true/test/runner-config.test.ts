import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';

const REQUIRED = { BOT_TOKEN: '123456:ABC-def_ghi' };

describe('RUNNER_CONCURRENCY', () => {
  it('defaults to 20 handlers at a time, next to the settings every poller has', () => {
    expect(loadConfig(REQUIRED)).toMatchObject({ runnerConcurrency: 20, pollTimeoutSeconds: 30 });
  });

  it('is read from the environment', () => {
    expect(loadConfig({ ...REQUIRED, RUNNER_CONCURRENCY: '3' }).runnerConcurrency).toBe(3);
  });

  it.each(['0', '101', 'many', ''])('%j stops the bot with one line naming the variable', (value) => {
    expect(() => loadConfig({ ...REQUIRED, RUNNER_CONCURRENCY: value })).toThrow(ConfigError);
    expect(() => loadConfig({ ...REQUIRED, RUNNER_CONCURRENCY: value })).toThrow(/^invalid configuration: RUNNER_CONCURRENCY [^\n]+$/);
  });
});
