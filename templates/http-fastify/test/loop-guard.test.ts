import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFakeUpstream, type FakeUpstream } from './helpers/fake-upstream.js';
import { assertLoopWithinBudget, LOOP_GUARD, loopGuardReport } from './helpers/loop-guard.js';
import { exitWithin, killAll, serviceEnv, startService } from './helpers/service.js';

// The runtime layer of the loop rules (docs/loop-rules.md §5.1, R5.1): the guard measures the loop of the
// real process while every route is exercised, and fails above a budget with the measured figure.

const BUDGET_MS = 250; // well above a healthy loop here (~10-30 ms), well below the planted 1 s block (CPU time)

let upstream: FakeUpstream;

beforeAll(async () => {
  upstream = await startFakeUpstream({ slowMs: 0 });
});

afterEach(async () => {
  await killAll();
});

afterAll(async () => {
  await upstream.close();
});

/** Starts the built service under the guard, exercises every route, stops it, returns the report. */
async function exerciseEveryRoute(extraNodeArgs: string[] = []) {
  // MAX_EVENT_LOOP_DELAY_MS=0: the planted block (and a loaded machine) would otherwise trip the
  // under-pressure check, and a route answering 503 would fail this test for the wrong reason; the
  // long upstream timeout keeps the blocked fan-out (1 s per call) from answering 504.
  const service = await startService(serviceEnv({ UPSTREAM_URL: upstream.url, UPSTREAM_TIMEOUT_MS: '30000', DRAIN_DELAY_MS: '0', MAX_EVENT_LOOP_DELAY_MS: '0' }), {
    nodeArgs: [...LOOP_GUARD, ...extraNodeArgs],
  });
  const call = (path: string, init?: RequestInit) => fetch(`${service.address}${path}`, { ...init, signal: AbortSignal.timeout(15_000) });
  // The first call of each route compiles code paths; the warm-up ends after one round.
  const round = async () => {
    expect((await call('/live')).status).toBe(200);
    expect((await call('/ready')).status).toBe(200);
    expect((await call('/fanout?ids=a,b,c')).status).toBe(200);
    const hash = await call('/hash', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ password: 'loop' }) });
    expect(hash.status).toBe(200);
    expect((await call('/openapi.json')).status).toBe(200); // built on its first call, cached after
  };
  await round();
  service.child.stdin?.write('warm\n');
  await round();
  await round();
  service.child.kill('SIGTERM');
  expect((await exitWithin(service, 10_000)).code).toBe(0);
  return loopGuardReport(service.stderr());
}

describe('loop-delay guard', () => {
  it('every route keeps the loop within the budget', async () => {
    const report = await exerciseEveryRoute();
    expect(() => assertLoopWithinBudget(report, BUDGET_MS)).not.toThrow();
  });

  it('catches a blocking call hidden inside a dependency, which no static rule sees', async () => {
    const report = await exerciseEveryRoute(['--import', './test/fixtures/blocking-dependency.mjs']);
    expect(report.maxBusyMs).toBeGreaterThan(BUDGET_MS);
    expect(() => assertLoopWithinBudget(report, BUDGET_MS)).toThrow(/blocked for \d+ ms after warm-up \(budget 250 ms/);
  }, 90_000); // nine planted 1 s blocks, on a machine that may be loaded
});
