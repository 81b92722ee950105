import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { PROJECT_ROOT } from './helpers/process.js';

// deploy/kubernetes.yaml against the README's Deploying section, with the values the bot really
// runs with (its env entries, else the defaults of src/config.ts). BOT_TOKEN comes from a Secret
// in the cluster; here any well-formed value stands for it.

const SECRETS = { BOT_TOKEN: '123456:TEST-token' };

const manifest = await readFile(join(PROJECT_ROOT, 'deploy/kubernetes.yaml'), 'utf8');

/** The value after `key:` (first match). */
function value(key: string): string {
  const match = new RegExp(`\\b${key}:\\s*"?([\\w-]+)`).exec(manifest);
  expect(match, `${key} in deploy/kubernetes.yaml`).not.toBeNull();
  return match?.[1] ?? '';
}

function env(): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const m of manifest.matchAll(/\{ name: (\w+), value: "([^"]*)" \}/g)) vars[m[1] ?? ''] = m[2] ?? '';
  return vars;
}

describe('deploy/kubernetes.yaml', () => {
  const config = loadConfig({ ...SECRETS, ...env() });

  it('sets exactly the defaults: the bot is right as generated, without the env entries too', () => {
    expect(config.shutdownTimeoutMs).toBe(loadConfig(SECRETS).shutdownTimeoutMs);
  });

  it('runs one poller per token: one replica, and Recreate so that two never overlap', () => {
    expect(value('replicas')).toBe('1');
    expect(value('type')).toBe('Recreate');
    expect(manifest).not.toMatch(/maxSurge/);
  });

  it('gives the whole stop time: terminationGracePeriodSeconds > SHUTDOWN_TIMEOUT_MS', () => {
    expect(Number(value('terminationGracePeriodSeconds'))).toBeGreaterThan(config.shutdownTimeoutMs / 1000);
  });

  it('is not probed: the bot has no port, and nothing routes traffic to it', () => {
    expect(manifest).not.toMatch(/^\s*(readinessProbe|livenessProbe|startupProbe|ports):/m);
  });

  it('keeps the token out of the manifest', () => {
    expect(manifest).toMatch(/secretRef: \{ name: bot \}/);
    expect(Object.keys(env())).not.toContain('BOT_TOKEN');
  });
});
