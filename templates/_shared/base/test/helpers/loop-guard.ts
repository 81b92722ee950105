/** What test/loop-guard.cjs prints at exit: event-loop delay after the warm-up, in ms. */
export interface LoopGuardReport {
  code: number;
  startupMaxMs: number;
  /** longest delay by the clock (a loaded machine stretches it) */
  maxMs: number;
  /** most CPU time the main thread spent between two 10 ms ticks: what a blocking call costs */
  maxBusyMs: number;
  p99Ms: number;
  elu: number;
}

/** Start the service with `nodeArgs: LOOP_GUARD` to measure it. */
export const LOOP_GUARD = ['--require', './test/loop-guard.cjs'];

/** The report in a process's stderr (the guard writes it when the process exits). */
export function loopGuardReport(stderr: string): LoopGuardReport {
  const line = stderr.split('\n').find((l) => l.startsWith('LOOP-GUARD '));
  if (!line) throw new Error(`no LOOP-GUARD line on stderr (was the process started with LOOP_GUARD?): ${stderr}`);
  return JSON.parse(line.slice('LOOP-GUARD '.length)) as LoopGuardReport;
}

/**
 * R5.1, the runtime layer: fails with the measured figure when the loop was blocked for longer
 * than `budgetMs` after the warm-up: CPU time of the main thread between two turns, which a loaded
 * machine does not stretch. It sees what no lint can, blocking inside dependencies too.
 */
export function assertLoopWithinBudget(report: LoopGuardReport, budgetMs: number): void {
  if (report.maxBusyMs >= budgetMs) {
    throw new Error(
      `the event loop was blocked for ${report.maxBusyMs.toFixed(0)} ms after warm-up (budget ${budgetMs} ms, longest delay ${report.maxMs.toFixed(0)} ms): ` +
        'something ran synchronously on the loop (docs/loop-rules.md R2); look for sync I/O or CPU work, in this code or a dependency',
    );
  }
}
