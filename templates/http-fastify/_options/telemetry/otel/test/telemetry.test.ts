import { Client } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeCollector, traceIdOf, traceparent, UNREACHABLE, within } from './helpers/fake-collector.js';
import { assertLoopWithinBudget, LOOP_GUARD, loopGuardReport } from './helpers/loop-guard.js';
import { exitWithin, killAll, serviceEnv, startService, type Service } from './helpers/service.js';

// --telemetry otel: the built service, started the way `npm start` starts it (with the preload),
// exports to a fake collector on 127.0.0.1. No timing is asserted: exit codes, and which spans
// arrived, decide. Waits are bounded by counts and generous timeouts (shared 2-core machines).

const LOAD_CONNECTIONS = 8;
const MAX_REQUESTS = 1_500; // below OTEL_BSP_MAX_QUEUE_SIZE (2048): no span may be dropped for lack of room; above what the drain delay lets through, so the close cuts the load
const SIGTERM_AFTER = 60; // completed requests before the SIGTERM: the load is running when it arrives
const MAX_LOOP_DELAY_MS = 500;

const clients: Client[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.destroy()));
  await killAll();
});

function otelEnv(endpoint: string, overrides: Record<string, string> = {}): Record<string, string> {
  return serviceEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_SERVICE_NAME: 'svc-under-test', OTEL_EXPORTER_OTLP_TIMEOUT: '30000', ...overrides });
}

/**
 * Keep-alive clients that send GET /live, each with its own trace id, until the service stops
 * answering or MAX_REQUESTS were sent. Returns the trace ids of the requests that got a response.
 */
async function load(service: Service, onCompleted: (count: number) => void): Promise<string[]> {
  const completed: string[] = [];
  let sent = 0;
  await Promise.all(
    Array.from({ length: LOAD_CONNECTIONS }, async () => {
      const client = new Client(service.address, { keepAliveTimeout: 60_000 });
      clients.push(client);
      while (sent < MAX_REQUESTS) {
        const traceId = traceIdOf(sent++);
        try {
          const res = await client.request({ method: 'GET', path: '/live', headers: { traceparent: traceparent(traceId) }, signal: AbortSignal.timeout(15_000) });
          await res.body.text();
        } catch {
          return; // the service closed this connection: it is stopping
        }
        completed.push(traceId);
        onCompleted(completed.length);
      }
    }),
  );
  return completed;
}

describe('OpenTelemetry (--telemetry otel)', () => {
  it('after a SIGTERM under load, the collector has the span of every request that completed, and the metrics', async () => {
    const collector = await startFakeCollector();
    try {
      const service = await startService(
        otelEnv(collector.endpoint, {
          // nothing is exported while serving: every span below arrives through the flush after the drain
          OTEL_BSP_SCHEDULE_DELAY: '600000',
          OTEL_METRIC_EXPORT_INTERVAL: '600000',
          DRAIN_DELAY_MS: '1000',
          SHUTDOWN_TIMEOUT_MS: '10000',
        }),
      );
      const completed = await load(service, (count) => {
        if (count === SIGTERM_AFTER) service.child.kill('SIGTERM');
      });
      const exit = await exitWithin(service, 30_000);
      expect(exit.code, service.stderr()).toBe(0);
      expect(completed.length).toBeGreaterThanOrEqual(SIGTERM_AFTER);

      const received = new Set(collector.spans.filter((s) => s.attributes['http.request.method'] === 'GET').map((s) => s.traceId));
      expect(completed.filter((id) => !received.has(id))).toEqual([]); // none missing
      // named by the route template, with http.route, as the semantic conventions ask of a server span
      expect(collector.spans.every((s) => s.name === 'GET /live' && s.attributes['http.route'] === '/live')).toBe(true);
      expect(new Set(collector.spans.map((s) => s.service))).toEqual(new Set(['svc-under-test'])); // OTEL_SERVICE_NAME
      expect([...collector.metricNames]).toEqual(expect.arrayContaining(['http.server.request.duration', 'nodejs.eventloop.delay.max', 'nodejs.eventloop.delay.p99']));
    } finally {
      await collector.close();
    }
  });


  it.each(UNREACHABLE)('an unreachable collector ($label) neither blocks the loop nor holds the exit past the stop budget', async ({ start }) => {
    const down = await start();
    try {
      const service = await startService(
        otelEnv(down.endpoint, {
          OTEL_BSP_SCHEDULE_DELAY: '100', // exports are attempted while serving, too
          OTEL_METRIC_EXPORT_INTERVAL: '500',
          OTEL_EXPORTER_OTLP_TIMEOUT: '600000', // the exporter alone would wait ten minutes
          DRAIN_DELAY_MS: '200',
          SHUTDOWN_TIMEOUT_MS: '3000',
        }),
        { nodeArgs: LOOP_GUARD },
      );
      service.child.stdin?.write('warm\n');
      const client = new Client(service.address);
      clients.push(client);
      for (let i = 0; i < 50; i += 1) {
        const res = await client.request({ method: 'GET', path: '/live', headers: { traceparent: traceparent(traceIdOf(i)) }, signal: AbortSignal.timeout(15_000) });
        expect(res.statusCode).toBe(200);
        await res.body.text();
      }
      await within(down.attempted, 30_000, 'an export attempt while serving');

      service.child.kill('SIGTERM');
      // exit 0 means the stop, flush included, ended inside DRAIN_DELAY_MS + SHUTDOWN_TIMEOUT_MS:
      // past it, the stop module exits 1 ('shutdown timed out')
      const exit = await exitWithin(service, 30_000);
      expect(exit.code, service.stderr()).toBe(0);
      expect(service.logs.some((l) => l.msg === 'closed')).toBe(true);
      expect(service.logs.some((l) => l.msg === 'shutdown timed out, exiting')).toBe(false);
      assertLoopWithinBudget(loopGuardReport(service.stderr()), MAX_LOOP_DELAY_MS);
    } finally {
      await down.close();
    }
  });

  it.each([
    ['OTEL_EXPORTER_OTLP_PROTOCOL', 'grpc'],
    ['OTEL_EXPORTER_OTLP_ENDPOINT', 'collector:4318'],
    ['OTEL_BSP_SCHEDULE_DELAY', 'soon'],
    ['OTEL_TRACES_SAMPLER', 'sometimes'],
  ])('a bad %s stops the start with one line that names it, exit 1', async (name, value) => {
    const service = await startService(serviceEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318', [name]: value }), { waitForListening: false });
    const exit = await exitWithin(service, 15_000);
    expect(exit.code).toBe(1);
    const lines = service.stderr().split('\n').filter((l) => l !== '' && !/DeprecationWarning|--trace-deprecation/.test(l));
    expect(lines).toEqual([expect.stringContaining(name)]);
    expect(service.logs.filter((l) => l.msg.startsWith('Server listening'))).toEqual([]);
  });
});
