import { Piscina } from 'piscina';
import { workerExecArgv } from './startup/worker-exec-argv.js';

// The task file sits next to this one: dist/workers/render-report.js after a build, the .ts source
// under `tsx` (dev) and vitest. The worker threads' flags: src/startup/worker-exec-argv.ts (P24).
const fromSource = import.meta.url.endsWith('.ts');
const REPORT_TASK = new URL(`./workers/render-report.${fromSource ? 'ts' : 'js'}`, import.meta.url).href;

/**
 * R2.4: the `run_in_executor` of this worker. One worker-thread pool, created at startup by
 * src/main.ts and closed after the loop returned (close() lets running tasks finish). CPU-bound
 * work goes here, never on the loop and never in a `new Worker()` per job.
 */
export function createCpuPool(options: { threads: number }): Piscina {
  return new Piscina({
    filename: REPORT_TASK,
    minThreads: 1,
    maxThreads: options.threads,
    execArgv: workerExecArgv(import.meta.url),
  });
}
