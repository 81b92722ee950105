import { readFileSync } from 'node:fs';
import { startBuilt, type BuiltProcess } from './process.js';

export { exitWithin, killAll, PROJECT_ROOT, type Exit, type LogLine } from './process.js';

/**
 * The node flags `npm start` runs dist/main.js with (e.g. `--import ./dist/telemetry.js`, the
 * OpenTelemetry preload of a project generated with --telemetry otel): the tests start the
 * program the way production does.
 */
const START_FLAGS = ((JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { scripts: { start: string } }).scripts.start)
  .split(' ')
  .filter((word) => word !== 'node' && word !== 'dist/main.js');

/** The built service, running, and the address it listens on. */
export interface Service extends BuiltProcess {
  /** http://127.0.0.1:PORT, parsed from Fastify's "Server listening at" log line. */
  address: string;
}

/** Base environment for a service under test: loopback only, random port, quick but real timings. */
export function serviceEnv(overrides: Record<string, string>): Record<string, string> {
  return {
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'info',
    CPU_POOL_THREADS: '1',
    // --telemetry otel: no collector runs in these tests, and an export retries for up to
    // OTEL_EXPORTER_OTLP_TIMEOUT (10 s by default) before giving up; 1 s keeps each stop short
    OTEL_EXPORTER_OTLP_TIMEOUT: '1000',
    ...overrides,
  };
}

/**
 * Starts the BUILT service as a real process. With `waitForListening` it resolves once the
 * listen address has been logged.
 */
export async function startService(
  env: Record<string, string>,
  options: { nodeArgs?: string[]; waitForListening?: boolean; timeoutMs?: number } = {},
): Promise<Service> {
  const { nodeArgs = [], waitForListening = true, timeoutMs = 15_000 } = options;
  const proc = startBuilt(env, [...nodeArgs, ...START_FLAGS]);
  let address = '';
  if (waitForListening) {
    const line = await proc.waitForLog((l) => l.msg.startsWith('Server listening at '), timeoutMs);
    address = line.msg.slice('Server listening at '.length);
  }
  return { ...proc, address };
}
