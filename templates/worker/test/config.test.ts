import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { configError } from './helpers/config.js';
import { MINIMAL_ENV } from './helpers/source.js';

/** The connection strings of this worker's queue (DATABASE_URL, REDIS_URL; none in memory). */
const URL_VARIABLES = Object.keys(MINIMAL_ENV).filter((name) => name.endsWith('_URL'));

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig(MINIMAL_ENV);
    expect(config).toMatchObject({
      logLevel: 'info',
      concurrency: 4,
      pollIntervalMs: 1_000,
      shutdownTimeoutMs: 20_000,
      maxAttempts: 5,
      retryBaseMs: 1_000,
      retryMaxMs: 60_000,
      queueBackoffMaxMs: 30_000,
      mailTimeoutMs: 5_000,
    });
    expect(config.cpuPoolThreads).toBeGreaterThanOrEqual(1);
  });

  it('coerces numbers', () => {
    const config = loadConfig({ ...MINIMAL_ENV, CONCURRENCY: '16', POLL_INTERVAL_MS: '250' });
    expect(config.concurrency).toBe(16);
    expect(config.pollIntervalMs).toBe(250);
  });

  it.each([
    ['CONCURRENCY', '0'],
    ['CONCURRENCY', 'many'],
    ['POLL_INTERVAL_MS', ''],
    ['POLL_INTERVAL_MS', '0'],
    ['SHUTDOWN_TIMEOUT_MS', '1.5'],
    ['MAX_ATTEMPTS', '0'],
    ['RETRY_BASE_MS', '-1'],
    ['LOG_LEVEL', 'loud'],
  ])('rejects %s=%j with one line naming the variable', (name, value) => {
    const { message } = configError({ ...MINIMAL_ENV, [name]: value });
    expect(message).toContain(name);
    expect(message).not.toContain('\n');
  });

  it('rejects a retry cap below the base delay', () => {
    expect(configError({ ...MINIMAL_ENV, RETRY_BASE_MS: '5000', RETRY_MAX_MS: '1000' }).message).toContain('RETRY_MAX_MS');
  });

  it.runIf(URL_VARIABLES.length > 0)('a logged config never shows the password of its connection string', () => {
    const env = { ...MINIMAL_ENV };
    for (const name of URL_VARIABLES) {
      const url = new URL(env[name] ?? '');
      url.username ||= 'app';
      url.password = 'pw-in-the-url';
      env[name] = url.href;
    }
    const config = loadConfig(env);
    expect(JSON.stringify(config)).toContain('pw-in-the-url'); // the config holds it: a log line could leak it
    const lines: string[] = [];
    createLogger('info', { write: (line: string) => void lines.push(line) }).info({ config }, 'config');
    expect(lines.join('')).toContain('redacted@127.0.0.1');
    expect(lines.join('')).not.toContain('pw-in-the-url');
  });
});
