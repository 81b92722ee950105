import { readFileSync } from 'node:fs';
import { startBuilt, type BuiltProcess, type LogLine as BaseLogLine } from './process.js';

export { exitWithin, killAll, PROJECT_ROOT, type Exit } from './process.js';

/**
 * The node flags `npm start` runs dist/main.js with (e.g. `--import ./dist/telemetry.js`, the
 * OpenTelemetry preload of a project generated with --telemetry otel): the tests start the
 * program the way production does.
 */
const START_FLAGS = ((JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { scripts: { start: string } }).scripts.start)
  .split(' ')
  .filter((word) => word !== 'node' && word !== 'dist/main.js');

/** One pino JSON line of the worker's stdout. */
export interface LogLine extends BaseLogLine {
  jobId?: string;
}

export type WorkerProcess = BuiltProcess<LogLine>;

/** Base environment for a worker under test: quick but real timings, one CPU thread. */
export function workerEnv(overrides: Record<string, string>): Record<string, string> {
  return {
    LOG_LEVEL: 'info',
    CPU_POOL_THREADS: '1',
    // --telemetry otel: no collector runs in these tests, and an export retries for up to
    // OTEL_EXPORTER_OTLP_TIMEOUT (10 s by default) before giving up; 1 s keeps each stop short
    OTEL_EXPORTER_OTLP_TIMEOUT: '1000',
    POLL_INTERVAL_MS: '100',
    ...overrides,
  };
}

/** The lines with this message, e.g. every 'job acked'. */
export function linesWith(logs: readonly LogLine[], msg: string): LogLine[] {
  return logs.filter((l) => l.msg === msg);
}

/**
 * Starts the BUILT worker as a real process. With `waitForStart` it resolves once the worker
 * logged 'worker started'.
 */
export async function startWorker(
  env: Record<string, string>,
  options: { nodeArgs?: string[]; waitForStart?: boolean; timeoutMs?: number } = {},
): Promise<WorkerProcess> {
  const { nodeArgs = [], waitForStart = true, timeoutMs = 15_000 } = options;
  const worker = startBuilt<LogLine>(env, [...nodeArgs, ...START_FLAGS]);
  if (waitForStart) await worker.waitForLog((l) => l.msg === 'worker started', timeoutMs);
  return worker;
}
