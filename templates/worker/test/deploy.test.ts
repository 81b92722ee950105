import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { MINIMAL_ENV } from './helpers/source.js';
import { PROJECT_ROOT } from './helpers/process.js';

// deploy/kubernetes.yaml against the README's Deploying section, with the values the worker really
// runs with (its env entries, else the defaults of src/config.ts). The queue's URL comes from a
// Secret in the cluster; here the tests' own minimal settings stand for it.

const manifest = await readFile(join(PROJECT_ROOT, 'deploy/kubernetes.yaml'), 'utf8');

/** The number after `key:` (first match). */
function num(key: string): number {
  const match = new RegExp(`\\b${key}:\\s*"?(\\d+)`).exec(manifest);
  expect(match, `${key} in deploy/kubernetes.yaml`).not.toBeNull();
  return Number(match?.[1]);
}

function env(): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const m of manifest.matchAll(/\{ name: (\w+), value: "([^"]*)" \}/g)) vars[m[1] ?? ''] = m[2] ?? '';
  return vars;
}

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
    expect(manifest).not.toMatch(/^\s*(readinessProbe|livenessProbe|startupProbe|ports):/m);
    expect(manifest).not.toMatch(/^kind: Service$/m);
  });

  it('keeps the queue URL (and its password) out of the manifest', () => {
    expect(manifest).toMatch(/secretRef: \{ name: worker \}/);
    expect(Object.keys(env()).filter((name) => name.endsWith('_URL'))).toEqual([]);
  });
});
