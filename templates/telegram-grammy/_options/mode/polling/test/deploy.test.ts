import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { readManifest } from './helpers/manifest.js';

// deploy/kubernetes.yaml against the README's Deploying section, with the values the bot really
// runs with (its env entries, else the defaults of src/config.ts). BOT_TOKEN comes from a Secret
// in the cluster; here any well-formed value stands for it.

const SECRETS = { BOT_TOKEN: '123456:TEST-token' };

const manifest = await readManifest();
const { env, value } = manifest;

describe('deploy/kubernetes.yaml', () => {
  const config = loadConfig({ ...SECRETS, ...env() });

  it('sets exactly the defaults: the bot is right as generated, without the env entries too', () => {
    expect(config.shutdownTimeoutMs).toBe(loadConfig(SECRETS).shutdownTimeoutMs);
  });

  it('runs one poller per token: one replica, and Recreate so that two never overlap', () => {
    expect(value('replicas')).toBe('1');
    expect(value('type')).toBe('Recreate');
    expect(manifest.text).not.toMatch(/maxSurge/);
  });

  it('gives the whole stop time: terminationGracePeriodSeconds > SHUTDOWN_TIMEOUT_MS', () => {
    expect(Number(value('terminationGracePeriodSeconds'))).toBeGreaterThan(config.shutdownTimeoutMs / 1000);
  });

  it('is not probed: the bot has no port, and nothing routes traffic to it', () => {
    expect(manifest.text).not.toMatch(/^\s*(readinessProbe|livenessProbe|startupProbe|ports):/m);
  });

  it('keeps the token out of the manifest', () => {
    expect(manifest.text).toMatch(/secretRef: \{ name: bot \}/);
    expect(Object.keys(env())).not.toContain('BOT_TOKEN');
  });
});
