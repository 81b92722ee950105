import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from './process.js';

// deploy/kubernetes.yaml, read the way its tests need it: the numbers and values the README's
// Deploying section relates, and the env entries the service runs with in the cluster.

/** Idle timeout of common cloud load balancers (AWS ALB, the default of others): 60 s. */
export const LB_IDLE_TIMEOUT_S = 60;

export interface Manifest {
  readonly text: string;
  /** The number after `key:` (the first one after the text `after`, when given). */
  readonly num: (key: string, after?: string) => number;
  /** The word after `key:` (first match). */
  readonly value: (key: string) => string;
  /** The `{ name: X, value: "..." }` env entries. */
  readonly env: () => Record<string, string>;
}

export async function readManifest(): Promise<Manifest> {
  const text = await readFile(join(PROJECT_ROOT, 'deploy/kubernetes.yaml'), 'utf8');
  const first = (pattern: RegExp, key: string, from = 0): string => {
    const match = pattern.exec(text.slice(from));
    expect(match, `${key} in deploy/kubernetes.yaml`).not.toBeNull();
    return match?.[1] ?? '';
  };
  return {
    text,
    num: (key, after = '') => {
      const start = after ? text.indexOf(after) : 0;
      expect(start, `${after} in deploy/kubernetes.yaml`).toBeGreaterThanOrEqual(0);
      return Number(first(new RegExp(`\\b${key}:\\s*"?(\\d+)`), key, start));
    },
    value: (key) => first(new RegExp(`\\b${key}:\\s*"?([\\w-]+)`), key),
    env: () => {
      const vars: Record<string, string> = {};
      for (const m of text.matchAll(/\{ name: (\w+), value: "([^"]*)" \}/g)) vars[m[1] ?? ''] = m[2] ?? '';
      return vars;
    },
  };
}

/** The settings of an HTTP service that its manifest must agree with. */
export interface HttpStopConfig {
  readonly drainDelayMs: number;
  readonly shutdownTimeoutMs: number;
  readonly keepAliveTimeoutMs: number;
}

/**
 * The relations of the README's Deploying section for a service behind a load balancer, checked
 * against `config` (what the service runs with: its env entries over its defaults) and `defaults`
 * (what it runs with when the entries are gone). `work` names what finishes during the drain.
 */
export function describeHttpDeploy(manifest: Manifest, config: HttpStopConfig, defaults: HttpStopConfig, work: string): void {
  const { num, text } = manifest;
  const preStopS = Number(/preStop:[\s\S]*?seconds:\s*(\d+)/.exec(text)?.[1] ?? '0');
  const stopStartsS = preStopS + config.drainDelayMs / 1000; // SIGTERM comes after preStop

  describe('deploy/kubernetes.yaml: the stop fits the load balancer and the grace period', () => {
    it('sets exactly the defaults: the service is right as generated, without the env entries too', () => {
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

    it(`lets ${work} finish behind the LB: deregistration delay >= SHUTDOWN_TIMEOUT_MS`, () => {
      const delay = /deregistration_delay\.timeout_seconds=(\d+)/.exec(text)?.[1];
      expect(Number(delay)).toBeGreaterThanOrEqual(config.shutdownTimeoutMs / 1000);
    });

    it('never closes a connection the LB is about to reuse: KEEP_ALIVE_TIMEOUT_MS > the LB idle timeout', () => {
      expect(config.keepAliveTimeoutMs / 1000).toBeGreaterThan(LB_IDLE_TIMEOUT_S);
    });

    it('probes /ready for traffic and /live for restarts, and the LB checks /ready over HTTP', () => {
      expect(text).toMatch(/readinessProbe:[^\n]*\n\s*httpGet: \{ path: \/ready,/);
      expect(text).toMatch(/livenessProbe:[^\n]*\n\s*httpGet: \{ path: \/live,/);
      expect(text).toMatch(/healthcheck-protocol: HTTP\n/);
      expect(text).toMatch(/healthcheck-path: \/ready\n/);
    });
  });
}
