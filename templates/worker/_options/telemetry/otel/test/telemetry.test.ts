import { afterEach, describe, expect, it } from 'vitest';
import { startFakeCollector, UNREACHABLE, within } from './helpers/fake-collector.js';
import { assertLoopWithinBudget, LOOP_GUARD, loopGuardReport } from './helpers/loop-guard.js';
import { exitWithin, killAll, linesWith, startWorker, workerEnv } from './helpers/service.js';
import { createTestQueue, MINIMAL_ENV, SKIP_REASON, type TestQueue } from './helpers/source.js';

// --telemetry otel: the built worker, started the way `npm start` starts it (with the preload),
// exports to a fake collector on 127.0.0.1. No timing is asserted: exit codes, and which spans
// arrived, decide. Waits are bounded by counts and generous timeouts (shared 2-core machines).

const JOBS = 40;
const SIGTERM_AFTER = 10; // jobs done before the SIGTERM: jobs are in flight when it arrives
const TEST_TIMEOUT_MS = 90_000; // a shared queue server (pg-boss, BullMQ) starts and stops slower than the in-memory one
const MAX_LOOP_DELAY_MS = 500;

const email = (i: number) => ({ type: 'email.send', payload: { to: `user${i}@example.com`, subject: 'Hello' } });

let queue: TestQueue | undefined;

afterEach(async () => {
  await killAll();
  await queue?.close();
  queue = undefined;
});

function otelEnv(endpoint: string, overrides: Record<string, string>): Record<string, string> {
  return workerEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_SERVICE_NAME: 'worker-under-test', OTEL_EXPORTER_OTLP_TIMEOUT: '30000', ...overrides });
}

if (SKIP_REASON) console.warn(`test/telemetry.test.ts: skipped, ${SKIP_REASON}`);

describe.skipIf(SKIP_REASON !== undefined)(`OpenTelemetry (--telemetry otel)${SKIP_REASON ? ` (${SKIP_REASON})` : ''}`, () => {
  it('after a SIGTERM mid-load, the collector has the span of every job that completed, with its type and attempt', async () => {
    const collector = await startFakeCollector();
    try {
      queue = await createTestQueue([{ type: 'flaky', payload: { failTimes: 1 } }, ...Array.from({ length: JOBS }, (_, i) => email(i))], { retryBaseMs: 1000 } /* whole seconds: pg-boss counts retry delays in seconds */);
      const worker = await startWorker(
        otelEnv(collector.endpoint, {
          ...queue.env,
          CONCURRENCY: '4',
          MAIL_LATENCY_MS: '50',
          // nothing is exported while working: every span below arrives through the flush after the drain
          OTEL_BSP_SCHEDULE_DELAY: '600000',
          OTEL_METRIC_EXPORT_INTERVAL: '600000',
          SHUTDOWN_TIMEOUT_MS: '10000',
        }),
      );
      await worker.waitForLog(() => linesWith(worker.logs, 'job done').length >= SIGTERM_AFTER, 60_000);
      worker.child.kill('SIGTERM');
      const exit = await exitWithin(worker, 30_000);
      expect(exit.code, worker.stderr()).toBe(0);

      const completed = await queue.completed(worker.logs);
      expect(completed.length).toBeGreaterThanOrEqual(SIGTERM_AFTER);
      const spanOf = new Map(collector.spans.filter((s) => s.attributes['job.type'] !== undefined).map((s) => [`${String(s.attributes['job.id'])}`, s]));
      expect(completed.filter((id) => !spanOf.has(id))).toEqual([]); // none missing
      for (const id of completed) {
        const attributes = spanOf.get(id)?.attributes ?? {};
        expect(typeof attributes['job.type']).toBe('string');
        expect(Number(attributes['job.attempt'])).toBeGreaterThanOrEqual(1);
      }
      // the flaky job's first attempt failed before the SIGTERM: its span is there, attempt 1, status error
      expect(collector.spans.some((s) => s.name === 'job flaky' && s.attributes['job.type'] === 'flaky' && s.attributes['job.attempt'] === 1 && s.status === 2)).toBe(true);
      expect(new Set(collector.spans.map((s) => s.service))).toEqual(new Set(['worker-under-test'])); // OTEL_SERVICE_NAME
      expect([...collector.metricNames]).toEqual(expect.arrayContaining(['nodejs.eventloop.delay.max', 'nodejs.eventloop.delay.p99']));
    } finally {
      await collector.close();
    }
  }, TEST_TIMEOUT_MS);


  it.each(UNREACHABLE)('an unreachable collector ($label) neither blocks the loop nor holds the exit past the stop budget', async ({ start }) => {
    const down = await start();
    try {
      queue = await createTestQueue(Array.from({ length: JOBS }, (_, i) => email(i)));
      const worker = await startWorker(
        otelEnv(down.endpoint, {
          ...queue.env,
          CONCURRENCY: '2',
          MAIL_LATENCY_MS: '100',
          OTEL_BSP_SCHEDULE_DELAY: '100', // exports are attempted while working, too
          OTEL_METRIC_EXPORT_INTERVAL: '500',
          OTEL_EXPORTER_OTLP_TIMEOUT: '600000', // the exporter alone would wait ten minutes
          SHUTDOWN_TIMEOUT_MS: '3000',
        }),
        { nodeArgs: LOOP_GUARD },
      );
      worker.child.stdin?.write('warm\n');
      await worker.waitForLog(() => linesWith(worker.logs, 'job done').length >= 5, 60_000);
      await within(down.attempted, 30_000, 'an export attempt while working');

      worker.child.kill('SIGTERM');
      // exit 0 means the stop, flush included, ended inside SHUTDOWN_TIMEOUT_MS: past it the worker exits 1
      const exit = await exitWithin(worker, 30_000);
      expect(exit.code, worker.stderr()).toBe(0);
      expect(linesWith(worker.logs, 'closed')).toHaveLength(1);
      assertLoopWithinBudget(loopGuardReport(worker.stderr()), MAX_LOOP_DELAY_MS);
    } finally {
      await down.close();
    }
  }, TEST_TIMEOUT_MS);

  it.each([
    ['OTEL_EXPORTER_OTLP_PROTOCOL', 'grpc'],
    ['OTEL_EXPORTER_OTLP_ENDPOINT', 'collector:4318'],
    ['OTEL_METRIC_EXPORT_INTERVAL', 'often'],
  ])('a bad %s stops the start with one line that names it, exit 1', async (name, value) => {
    const worker = await startWorker(workerEnv({ ...MINIMAL_ENV, OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318', [name]: value }), { waitForStart: false });
    const exit = await exitWithin(worker, 15_000);
    expect(exit.code).toBe(1);
    const lines = worker.stderr().split('\n').filter((l) => l !== '' && !/DeprecationWarning|--trace-deprecation/.test(l));
    expect(lines).toEqual([expect.stringContaining(name)]);
    expect(linesWith(worker.logs, 'starting')).toEqual([]);
  });
});
