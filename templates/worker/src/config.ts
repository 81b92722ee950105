import { availableParallelism } from 'node:os';
import { ConfigError, LOG_LEVELS, ms, readEnv, type LogLevel } from './startup/env.js';
import { sourceConfig, sourceEnvSchema, type SourceConfig, type SourceEnv } from './queue/source.js';

// Configuration comes from the environment and is validated once, at startup, before the first
// job is claimed (R2.3: synchronous work is fine only before the loop starts). A bad value stops the
// worker with one line that names the variable, instead of failing later in the middle of a job.

export { ConfigError, LOG_LEVELS, type LogLevel } from './startup/env.js';

export interface Config {
  logLevel: LogLevel;
  /** R2.5: jobs processed at the same time by this process. */
  concurrency: number;
  /** R4.6: idle wait between polls of an empty queue (cut short by SIGTERM). */
  pollIntervalMs: number;
  /** R4.1: budget for finishing in-flight jobs after SIGTERM; past it they are released and the exit is 1. */
  shutdownTimeoutMs: number;
  /** Deliveries of a job before it is dead-lettered. */
  maxAttempts: number;
  /** Retry delays: retryBaseMs, doubled per attempt, capped at retryMaxMs. */
  retryBaseMs: number;
  retryMaxMs: number;
  /** Cap of the backoff while the queue itself is unreachable (starts at pollIntervalMs). */
  queueBackoffMaxMs: number;
  /** R2.4: size of the worker-thread pool for CPU-bound jobs. */
  cpuPoolThreads: number;
  /** Latency of the simulated mail provider used by the email.send example job. */
  mailLatencyMs: number;
  /** R2.2: every outbound call carries AbortSignal.timeout(mailTimeoutMs). */
  mailTimeoutMs: number;
  /** Settings of the job source this project was generated with (src/queue/source.ts). */
  source: SourceConfig;
}

interface Env extends SourceEnv {
  LOG_LEVEL: LogLevel;
  CONCURRENCY: number;
  POLL_INTERVAL_MS: number;
  SHUTDOWN_TIMEOUT_MS: number;
  MAX_ATTEMPTS: number;
  RETRY_BASE_MS: number;
  RETRY_MAX_MS: number;
  QUEUE_BACKOFF_MAX_MS: number;
  CPU_POOL_THREADS: number;
  MAIL_LATENCY_MS: number;
  MAIL_TIMEOUT_MS: number;
}

function schema() {
  return {
    type: 'object',
    required: sourceEnvSchema.required,
    properties: {
      LOG_LEVEL: { type: 'string', enum: LOG_LEVELS, default: 'info' },
      CONCURRENCY: { type: 'integer', minimum: 1, maximum: 1024, default: 4 },
      POLL_INTERVAL_MS: ms(1_000, 1),
      SHUTDOWN_TIMEOUT_MS: ms(20_000, 1),
      MAX_ATTEMPTS: { type: 'integer', minimum: 1, maximum: 100, default: 5 },
      RETRY_BASE_MS: ms(1_000),
      RETRY_MAX_MS: ms(60_000),
      QUEUE_BACKOFF_MAX_MS: ms(30_000, 1),
      CPU_POOL_THREADS: { type: 'integer', minimum: 1, maximum: 256, default: Math.max(1, availableParallelism() - 1) },
      MAIL_LATENCY_MS: ms(300),
      MAIL_TIMEOUT_MS: ms(5_000, 1),
      ...sourceEnvSchema.properties,
    },
  };
}

/** Reads and validates the configuration; throws ConfigError with a one-line message. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = readEnv<Env>({ schema: schema(), env });
  if (parsed.RETRY_MAX_MS < parsed.RETRY_BASE_MS) {
    throw new ConfigError(
      `invalid configuration: RETRY_MAX_MS (${parsed.RETRY_MAX_MS}) must be >= RETRY_BASE_MS (${parsed.RETRY_BASE_MS})`,
    );
  }
  let source: SourceConfig;
  try {
    source = sourceConfig(parsed);
  } catch (err) {
    throw new ConfigError(`invalid configuration: ${err instanceof Error ? err.message : String(err)}`);
  }
  return {
    logLevel: parsed.LOG_LEVEL,
    concurrency: parsed.CONCURRENCY,
    pollIntervalMs: parsed.POLL_INTERVAL_MS,
    shutdownTimeoutMs: parsed.SHUTDOWN_TIMEOUT_MS,
    maxAttempts: parsed.MAX_ATTEMPTS,
    retryBaseMs: parsed.RETRY_BASE_MS,
    retryMaxMs: parsed.RETRY_MAX_MS,
    queueBackoffMaxMs: parsed.QUEUE_BACKOFF_MAX_MS,
    cpuPoolThreads: parsed.CPU_POOL_THREADS,
    mailLatencyMs: parsed.MAIL_LATENCY_MS,
    mailTimeoutMs: parsed.MAIL_TIMEOUT_MS,
    source,
  };
}
