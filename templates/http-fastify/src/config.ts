import { availableParallelism } from 'node:os';
import { httpOrigin, LOG_LEVELS, ms, readEnv, requestTimeouts, type LogLevel } from './startup/env.js';

// Configuration comes from the environment and is validated once, at startup, before the server
// listens (R2.3: synchronous work is fine only before serving). A bad value stops the service with
// one line that names the variable, instead of failing later in the middle of a request.

export { ConfigError, LOG_LEVELS, type LogLevel } from './startup/env.js';

export interface Config {
  host: string;
  port: number;
  logLevel: LogLevel;
  /** R4.2: time between "readiness is 503" and "stop accepting", so the load balancer can catch up. */
  drainDelayMs: number;
  /** R4.1: budget for app.close() after the drain; past it the process exits 1. */
  shutdownTimeoutMs: number;
  /** Idle keep-alive timeout of the HTTP server (shutdown reaps idle sockets anyway, R3.3). */
  keepAliveTimeoutMs: number;
  /** Slow clients: the whole request (headers and body) must arrive within this, else 408. */
  requestTimeoutMs: number;
  /** Slow clients: the request headers must arrive within this (at most requestTimeoutMs). */
  headersTimeoutMs: number;
  /** R2.4: caps the synchronous JSON.parse of request bodies on the loop. */
  bodyLimitBytes: number;
  /** Origin of the example upstream service, e.g. http://catalog:8080; unset: this service itself. */
  upstreamUrl: string | undefined;
  /** R2.2: every outbound call carries AbortSignal.timeout(upstreamTimeoutMs). */
  upstreamTimeoutMs: number;
  upstreamConnections: number;
  /** R2.4: size of the worker-thread pool for CPU-bound work. */
  cpuPoolThreads: number;
  /** R2.4: CPU tasks that may wait for a thread; past it the API answers 503 and /ready reports saturation. */
  cpuQueueMax: number;
  /** R3.4: event-loop delay above which /ready (and the API) answer 503; 0 disables the check. */
  maxEventLoopDelayMs: number;
  pressureSampleIntervalMs: number;
}

interface Env {
  HOST: string;
  PORT: number;
  LOG_LEVEL: LogLevel;
  DRAIN_DELAY_MS: number;
  SHUTDOWN_TIMEOUT_MS: number;
  KEEP_ALIVE_TIMEOUT_MS: number;
  REQUEST_TIMEOUT_MS: number;
  HEADERS_TIMEOUT_MS: number;
  BODY_LIMIT_BYTES: number;
  UPSTREAM_URL?: string;
  UPSTREAM_TIMEOUT_MS: number;
  UPSTREAM_CONNECTIONS: number;
  CPU_POOL_THREADS: number;
  CPU_QUEUE_MAX: number;
  MAX_EVENT_LOOP_DELAY_MS: number;
  PRESSURE_SAMPLE_INTERVAL_MS: number;
}

function schema() {
  return {
    type: 'object',
    properties: {
      HOST: { type: 'string', minLength: 1, default: '0.0.0.0' }, // P6: 127.0.0.1 is unreachable by probes
      PORT: { type: 'integer', minimum: 0, maximum: 65535, default: 3000 },
      LOG_LEVEL: { type: 'string', enum: LOG_LEVELS, default: 'info' },
      DRAIN_DELAY_MS: ms(10_000), // deploy/kubernetes.yaml and the README's Deployment section
      SHUTDOWN_TIMEOUT_MS: ms(15_000, 1), // drain + this < Kubernetes' default 30 s grace period
      KEEP_ALIVE_TIMEOUT_MS: ms(65_000, 1), // above the 60 s idle timeout of common cloud load balancers
      REQUEST_TIMEOUT_MS: ms(30_000, 1),
      HEADERS_TIMEOUT_MS: ms(10_000, 1),
      BODY_LIMIT_BYTES: { type: 'integer', minimum: 1, maximum: 100 * 1024 * 1024, default: 1024 * 1024 },
      UPSTREAM_URL: { type: 'string', minLength: 1 }, // unset: this service's own GET /items/:id, where it listens
      UPSTREAM_TIMEOUT_MS: ms(2_000, 1),
      UPSTREAM_CONNECTIONS: { type: 'integer', minimum: 1, maximum: 1024, default: 10 },
      CPU_POOL_THREADS: { type: 'integer', minimum: 1, maximum: 256, default: Math.max(1, availableParallelism() - 1) },
      CPU_QUEUE_MAX: { type: 'integer', minimum: 1, maximum: 100_000, default: 64 },
      MAX_EVENT_LOOP_DELAY_MS: ms(1_000),
      PRESSURE_SAMPLE_INTERVAL_MS: ms(1_000, 10),
    },
  };
}

/** Reads and validates the configuration; throws ConfigError with a one-line message. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = readEnv<Env>({ schema: schema(), env });
  return {
    host: parsed.HOST,
    port: parsed.PORT,
    logLevel: parsed.LOG_LEVEL,
    drainDelayMs: parsed.DRAIN_DELAY_MS,
    shutdownTimeoutMs: parsed.SHUTDOWN_TIMEOUT_MS,
    keepAliveTimeoutMs: parsed.KEEP_ALIVE_TIMEOUT_MS,
    ...requestTimeouts(parsed.REQUEST_TIMEOUT_MS, parsed.HEADERS_TIMEOUT_MS),
    bodyLimitBytes: parsed.BODY_LIMIT_BYTES,
    upstreamUrl: parsed.UPSTREAM_URL === undefined ? undefined : httpOrigin('UPSTREAM_URL', parsed.UPSTREAM_URL),
    upstreamTimeoutMs: parsed.UPSTREAM_TIMEOUT_MS,
    upstreamConnections: parsed.UPSTREAM_CONNECTIONS,
    cpuPoolThreads: parsed.CPU_POOL_THREADS,
    cpuQueueMax: parsed.CPU_QUEUE_MAX,
    maxEventLoopDelayMs: parsed.MAX_EVENT_LOOP_DELAY_MS,
    pressureSampleIntervalMs: parsed.PRESSURE_SAMPLE_INTERVAL_MS,
  };
}
