import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { PROJECT_ROOT } from './helpers/service.js';

// deploy/kubernetes.yaml against the relation of the README's Deployment section, with the values
// the bot really runs with (its env entries, else the defaults of src/config.ts). BOT_TOKEN and
// WEBHOOK_SECRET come from a Secret in the cluster; here any well-formed value stands for them.

const SECRETS = { BOT_TOKEN: '123456:TEST-token', WEBHOOK_SECRET: 'test-secret-0123456789' };

/** Idle timeout of common cloud load balancers (AWS ALB, the default of others): 60 s. */
const LB_IDLE_TIMEOUT_S = 60;

const manifest = await readFile(join(PROJECT_ROOT, 'deploy/kubernetes.yaml'), 'utf8');

/** The number after `key:` (first match after `after`, when given). */
function num(key: string, after = ''): number {
  const start = after ? manifest.indexOf(after) : 0;
  expect(start, `${after} in deploy/kubernetes.yaml`).toBeGreaterThanOrEqual(0);
  const match = new RegExp(`${key}:\\s*"?(\\d+)`).exec(manifest.slice(start));
  expect(match, `${key} in deploy/kubernetes.yaml`).not.toBeNull();
  return Number(match?.[1]);
}

function env(): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const m of manifest.matchAll(/\{ name: (\w+), value: "([^"]*)" \}/g)) vars[m[1] ?? ''] = m[2] ?? '';
  return vars;
}

describe('deploy/kubernetes.yaml', () => {
  const config = loadConfig({ ...SECRETS, ...env() });
  const preStopS = /preStop:[\s\S]*?seconds:\s*(\d+)/.exec(manifest)?.[1] ?? '0';
  const stopStartsS = Number(preStopS) + config.drainDelayMs / 1000; // SIGTERM comes after preStop

  it('sets exactly the defaults: the bot is right as generated, without the env entries too', () => {
    const defaults = loadConfig(SECRETS);
    expect(config.drainDelayMs).toBe(defaults.drainDelayMs);
    expect(config.shutdownTimeoutMs).toBe(defaults.shutdownTimeoutMs);
    expect(config.keepAliveTimeoutMs).toBe(defaults.keepAliveTimeoutMs);
  });

  it('drains until nothing routes here: readiness period x threshold and the LB check fit in preStop + DRAIN_DELAY_MS', () => {
    expect(num('periodSeconds', 'readinessProbe') * num('failureThreshold', 'readinessProbe')).toBeLessThanOrEqual(stopStartsS);
    expect(num('healthcheck-interval') * num('healthcheck-unhealthy-threshold')).toBeLessThanOrEqual(stopStartsS);
  });

  it('gives the whole stop time: terminationGracePeriodSeconds > preStop + DRAIN_DELAY_MS + SHUTDOWN_TIMEOUT_MS', () => {
    expect(num('terminationGracePeriodSeconds')).toBeGreaterThan(stopStartsS + config.shutdownTimeoutMs / 1000);
  });

  it('lets updates finish behind the LB: deregistration delay >= SHUTDOWN_TIMEOUT_MS', () => {
    const delay = /deregistration_delay\.timeout_seconds=(\d+)/.exec(manifest)?.[1];
    expect(Number(delay)).toBeGreaterThanOrEqual(config.shutdownTimeoutMs / 1000);
  });

  it('never closes a connection the LB is about to reuse: KEEP_ALIVE_TIMEOUT_MS > the LB idle timeout', () => {
    expect(config.keepAliveTimeoutMs / 1000).toBeGreaterThan(LB_IDLE_TIMEOUT_S);
  });

  it('keeps the secrets out of the manifest', () => {
    expect(manifest).toMatch(/secretRef: \{ name: bot \}/);
    expect(Object.keys(env())).not.toContain('BOT_TOKEN');
    expect(Object.keys(env())).not.toContain('WEBHOOK_SECRET');
  });

  it('probes /ready for traffic and /live for restarts, and the LB checks /ready over HTTP', () => {
    expect(manifest).toMatch(/readinessProbe:[^\n]*\n\s*httpGet: \{ path: \/ready,/);
    expect(manifest).toMatch(/livenessProbe:[^\n]*\n\s*httpGet: \{ path: \/live,/);
    expect(manifest).toMatch(/healthcheck-protocol: HTTP\n/);
    expect(manifest).toMatch(/healthcheck-path: \/ready\n/);
  });
});
