import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { readManifest } from './helpers/manifest.js';
import { MINIMAL_ENV } from './helpers/source.js';

// deploy/kubernetes.yaml against the README's Deploying section, with the values the worker really
// runs with (its env entries, else the defaults of src/config.ts). The queue's URL comes from a
// Secret in the cluster; here the tests' own minimal settings stand for it.

const manifest = await readManifest();
const { env, num } = manifest;

describe('deploy/kubernetes.yaml', () => {
  const config = loadConfig({ ...MINIMAL_ENV, ...env() });

  it('sets exactly the defaults: the worker is right as generated, without the env entries too', () => {
    const defaults = loadConfig(MINIMAL_ENV);
    expect(config.shutdownTimeoutMs).toBe(defaults.shutdownTimeoutMs);
    expect(config.concurrency).toBe(defaults.concurrency);
  });

  it('gives the whole stop time: terminationGracePeriodSeconds > SHUTDOWN_TIMEOUT_MS', () => {
    expect(num('terminationGracePeriodSeconds')).toBeGreaterThan(config.shutdownTimeoutMs / 1000);
  });

  it('is not probed and has no Service: the worker has no port and takes no traffic', () => {
    expect(manifest.text).not.toMatch(/^\s*(readinessProbe|livenessProbe|startupProbe|ports):/m);
    expect(manifest.text).not.toMatch(/^kind: Service$/m);
  });

  it('keeps the queue URL (and its password) out of the manifest', () => {
    expect(manifest.text).toMatch(/secretRef: \{ name: worker \}/);
    expect(Object.keys(env()).filter((name) => name.endsWith('_URL'))).toEqual([]);
  });
});
