import './compile-cache.js'; // first: the OpenTelemetry modules below load from the compile cache
import { subscribe, tracingChannel } from 'node:diagnostics_channel';
import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { context, metrics, propagation, SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader, type PushMetricExporter } from '@opentelemetry/sdk-metrics';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BatchSpanProcessor,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  TracerProvider,
  type Sampler,
  type SpanExporter,
} from '@opentelemetry/sdk-trace';
import { ATTR_HTTP_ROUTE, ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { ConfigError, ms, readEnv } from './env.js';

// The OpenTelemetry SDK, loaded by the preload src/telemetry.ts (generated with --telemetry otel).
// `npm start`, `npm run dev`, the Dockerfile and the tests run
// `node --import ./dist/telemetry.js dist/main.js`: this module is evaluated before src/main.ts
// imports anything, so the HTTP instrumentation is in place before
// Fastify loads `node:http`. It is configured by the standard OTEL_* variables, checked here once
// (a bad one stops the process with one line naming it, before main runs), and it never owns the
// process: the stop module publishes `loopsvc:drained` after the drain and this module flushes
// within what is left of the stop budget (src/startup/after-drain.ts).
//
// What it records:
//   - an HTTP server span per request (@opentelemetry/instrumentation-http; incoming W3C
//     traceparent headers continue the caller's trace);
//   - a span per job (`loopsvc:job`: job.type, job.attempt) or per bot update (`loopsvc:update`:
//     update.type), published by the code through node:diagnostics_channel tracing channels;
//   - the event-loop delay, as gauges nodejs.eventloop.delay.{p50,p99,max} in seconds.

const PROTOCOLS = ['http/protobuf', 'http/json'] as const;
type Protocol = (typeof PROTOCOLS)[number];
const SAMPLERS = ['always_on', 'always_off', 'traceidratio', 'parentbased_always_on', 'parentbased_always_off', 'parentbased_traceidratio'] as const;
type SamplerName = (typeof SAMPLERS)[number];
const ENDPOINTS = ['OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', 'OTEL_EXPORTER_OTLP_METRICS_ENDPOINT'] as const;

interface OtelEnv {
  OTEL_SDK_DISABLED: boolean;
  OTEL_SERVICE_NAME?: string;
  OTEL_EXPORTER_OTLP_PROTOCOL: Protocol;
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL?: Protocol;
  OTEL_EXPORTER_OTLP_METRICS_PROTOCOL?: Protocol;
  OTEL_EXPORTER_OTLP_TIMEOUT: number;
  OTEL_TRACES_EXPORTER: 'otlp' | 'none';
  OTEL_METRICS_EXPORTER: 'otlp' | 'none';
  OTEL_TRACES_SAMPLER: SamplerName;
  OTEL_TRACES_SAMPLER_ARG: number;
  OTEL_BSP_SCHEDULE_DELAY: number;
  OTEL_BSP_EXPORT_TIMEOUT: number;
  OTEL_BSP_MAX_QUEUE_SIZE: number;
  OTEL_BSP_MAX_EXPORT_BATCH_SIZE: number;
  OTEL_METRIC_EXPORT_INTERVAL: number;
  OTEL_METRIC_EXPORT_TIMEOUT: number;
}

const protocol = { type: 'string', enum: PROTOCOLS };
const count = (def: number) => ({ type: 'integer', minimum: 1, maximum: 1_000_000, default: def });

function readOtelEnv(env: NodeJS.ProcessEnv): OtelEnv {
  const parsed = readEnv<OtelEnv>({
    env,
    schema: {
      type: 'object',
      properties: {
        OTEL_SDK_DISABLED: { type: 'boolean', default: false },
        OTEL_SERVICE_NAME: { type: 'string', minLength: 1 },
        // grpc is not accepted: this template ships the HTTP exporters only
        OTEL_EXPORTER_OTLP_PROTOCOL: { ...protocol, default: 'http/protobuf' },
        OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: protocol,
        OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: protocol,
        OTEL_EXPORTER_OTLP_TIMEOUT: ms(10_000, 1),
        OTEL_TRACES_EXPORTER: { type: 'string', enum: ['otlp', 'none'], default: 'otlp' },
        OTEL_METRICS_EXPORTER: { type: 'string', enum: ['otlp', 'none'], default: 'otlp' },
        OTEL_TRACES_SAMPLER: { type: 'string', enum: SAMPLERS, default: 'parentbased_always_on' },
        OTEL_TRACES_SAMPLER_ARG: { type: 'number', minimum: 0, maximum: 1, default: 1 },
        OTEL_BSP_SCHEDULE_DELAY: ms(5_000, 1),
        OTEL_BSP_EXPORT_TIMEOUT: ms(30_000, 1),
        OTEL_BSP_MAX_QUEUE_SIZE: count(2048),
        OTEL_BSP_MAX_EXPORT_BATCH_SIZE: count(512),
        OTEL_METRIC_EXPORT_INTERVAL: ms(60_000, 1),
        OTEL_METRIC_EXPORT_TIMEOUT: ms(30_000, 1),
      },
    },
  });
  for (const name of ENDPOINTS) {
    const raw = env[name];
    if (raw !== undefined && !isHttpUrl(raw)) {
      throw new ConfigError(`invalid configuration: ${name} must be an http(s) URL like http://collector:4318, got ${JSON.stringify(raw)}`);
    }
  }
  if (parsed.OTEL_BSP_MAX_EXPORT_BATCH_SIZE > parsed.OTEL_BSP_MAX_QUEUE_SIZE) {
    throw new ConfigError('invalid configuration: OTEL_BSP_MAX_EXPORT_BATCH_SIZE must not exceed OTEL_BSP_MAX_QUEUE_SIZE');
  }
  return parsed;
}

function isHttpUrl(raw: string): boolean {
  try {
    return ['http:', 'https:'].includes(new URL(raw).protocol);
  } catch {
    return false;
  }
}

function sampler(name: SamplerName, ratio: number): Sampler {
  const root = name.endsWith('traceidratio') ? new TraceIdRatioBasedSampler(ratio) : name.endsWith('always_off') ? new AlwaysOffSampler() : new AlwaysOnSampler();
  return name.startsWith('parentbased_') ? new ParentBasedSampler({ root }) : root;
}

async function traceExporter(protocol: Protocol, timeoutMillis: number): Promise<SpanExporter> {
  if (protocol === 'http/json') return new (await import('@opentelemetry/exporter-trace-otlp-http')).OTLPTraceExporter({ timeoutMillis });
  return new (await import('@opentelemetry/exporter-trace-otlp-proto')).OTLPTraceExporter({ timeoutMillis });
}

async function metricExporter(protocol: Protocol, timeoutMillis: number): Promise<PushMetricExporter> {
  if (protocol === 'http/json') return new (await import('@opentelemetry/exporter-metrics-otlp-http')).OTLPMetricExporter({ timeoutMillis });
  return new (await import('@opentelemetry/exporter-metrics-otlp-proto')).OTLPMetricExporter({ timeoutMillis });
}

/** `name` of package.json: the service name when OTEL_SERVICE_NAME is not set. */
function packageName(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { name?: string };
  return pkg.name ?? 'unknown_service:node';
}

/** The span of each message of a `node:diagnostics_channel` tracing channel, named and attributed by `describe`. */
function spanPerMessage(name: string, describe: (message: Record<string, unknown>) => { name: string; attributes: Record<string, string | number> }): void {
  const tracer = trace.getTracer('loopsvc');
  const spans = new WeakMap<object, Span>();
  tracingChannel<Record<string, unknown>>(name).subscribe({
    start(message) {
      const { name: spanName, attributes } = describe(message);
      spans.set(message, tracer.startSpan(spanName, { kind: SpanKind.CONSUMER, attributes }, context.active()));
    },
    end() {},
    asyncStart() {},
    asyncEnd(message) {
      const span = spans.get(message);
      if (!span) return;
      if ('error' in message) {
        span.recordException(message.error instanceof Error ? message.error : String(message.error));
        span.setStatus({ code: SpanStatusCode.ERROR });
      }
      span.end();
    },
    error() {},
  });
}

async function start(env: OtelEnv): Promise<void> {
  const resource = detectResources({ detectors: [envDetector] }).merge(
    resourceFromAttributes({ [ATTR_SERVICE_NAME]: env.OTEL_SERVICE_NAME ?? packageName() }),
  );
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }));

  const tracerProvider = new TracerProvider({
    resource,
    sampler: sampler(env.OTEL_TRACES_SAMPLER, env.OTEL_TRACES_SAMPLER_ARG),
    spanProcessors:
      env.OTEL_TRACES_EXPORTER === 'none'
        ? []
        : [
            new BatchSpanProcessor({
              exporter: await traceExporter(env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? env.OTEL_EXPORTER_OTLP_PROTOCOL, env.OTEL_EXPORTER_OTLP_TIMEOUT),
              scheduledDelayMillis: env.OTEL_BSP_SCHEDULE_DELAY,
              exportTimeoutMillis: env.OTEL_BSP_EXPORT_TIMEOUT,
              maxQueueSize: env.OTEL_BSP_MAX_QUEUE_SIZE,
              maxExportBatchSize: env.OTEL_BSP_MAX_EXPORT_BATCH_SIZE,
            }),
          ],
  });
  trace.setGlobalTracerProvider(tracerProvider);

  const meterProvider = new MeterProvider({
    resource,
    readers:
      env.OTEL_METRICS_EXPORTER === 'none'
        ? []
        : [
            new PeriodicExportingMetricReader({
              exporter: await metricExporter(env.OTEL_EXPORTER_OTLP_METRICS_PROTOCOL ?? env.OTEL_EXPORTER_OTLP_PROTOCOL, env.OTEL_EXPORTER_OTLP_TIMEOUT),
              exportIntervalMillis: env.OTEL_METRIC_EXPORT_INTERVAL,
              exportTimeoutMillis: Math.min(env.OTEL_METRIC_EXPORT_TIMEOUT, env.OTEL_METRIC_EXPORT_INTERVAL),
            }),
          ],
  });
  metrics.setGlobalMeterProvider(meterProvider);

  registerInstrumentations({ instrumentations: [new HttpInstrumentation()], tracerProvider, meterProvider });

  // Event-loop delay, sampled by libuv off the loop: read (and reset) at each export.
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const meter = metrics.getMeter('loopsvc');
  const gauges = (['p50', 'p99', 'max'] as const).map((stat) => ({
    stat,
    gauge: meter.createObservableGauge(`nodejs.eventloop.delay.${stat}`, { unit: 's', description: `event-loop delay, ${stat} since the last export` }),
  }));
  meter.addBatchObservableCallback(
    (result) => {
      if (delay.count === 0) return;
      for (const { stat, gauge } of gauges) result.observe(gauge, (stat === 'max' ? delay.max : delay.percentile(Number(stat.slice(1)))) / 1e9);
      delay.reset();
    },
    gauges.map((g) => g.gauge),
  );

  // The route template on the HTTP server span (`GET /items/:id`, not one span name per method):
  // Fastify publishes the start of each handler on this channel, inside the request's context,
  // where the active span is the server span the HTTP instrumentation opened.
  subscribe('tracing:fastify.request.handler:start', (message) => {
    const { route } = message as { route?: { url?: string; method?: string } };
    const span = trace.getActiveSpan();
    if (!span || !route?.url) return;
    span.setAttribute(ATTR_HTTP_ROUTE, route.url);
    span.updateName(`${route.method ?? 'HTTP'} ${route.url}`);
  });

  spanPerMessage('loopsvc:job', (job) => ({
    name: `job ${String(job.type)}`,
    attributes: { 'job.id': String(job.id), 'job.type': String(job.type), 'job.attempt': Number(job.attempt) },
  }));
  spanPerMessage('loopsvc:update', (update) => ({
    name: `update ${String(update.type)}`,
    attributes: { 'update.id': Number(update.id), 'update.type': String(update.type) },
  }));

  // After the drain (src/startup/after-drain.ts): export what is left, within the time given. A
  // collector that is down or never answers costs that time at most, never the exit code.
  subscribe('loopsvc:drained', (message) => {
    const { timeoutMs, pending } = message as { timeoutMs: number; pending: Promise<unknown>[] };
    const flushed = Promise.allSettled([tracerProvider.shutdown(), meterProvider.shutdown()]);
    pending.push(Promise.race([flushed, new Promise((resolve) => setTimeout(resolve, Math.max(0, timeoutMs)).unref())]));
  });
}

let otelEnv: OtelEnv | undefined;
try {
  otelEnv = readOtelEnv(process.env); // synchronous, before anything serves (R2.3)
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  process.stderr.write(`${err.message}\n`); // one line naming the variable, like src/main.ts
  // eslint-disable-next-line loopsvc/no-process-exit -- the preload runs before src/main.ts: a bad OTEL_* must stop the process before main starts
  process.exit(1);
}
if (otelEnv && !otelEnv.OTEL_SDK_DISABLED) await start(otelEnv);
