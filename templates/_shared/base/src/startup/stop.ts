import closeWithGrace from 'close-with-grace';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterDrain } from './after-drain.js';

/**
 * How the process stops, written once on close-with-grace (R4.1, R4.7): src/main.ts calls
 * installStop() before its first await, so a signal that arrives during startup is never lost.
 *
 *   const stop = installStop({ log, budgetMs, fatalBudgetMs, onStop, onOverrun });
 *   const startup = (async () => { ...open, connect (with stop.signal), listen... })();
 *   await stop.awaitStartup(startup, async (err) => { ...log why, close what was opened... });
 *
 * The first SIGTERM/SIGINT, or the first uncaughtException/unhandledRejection, begins the stop:
 *
 * 1. `stop.signal` is aborted: a startup call still waiting on the network (a connection, a first
 *    API call) ends at once instead of holding the stop for the whole budget.
 * 2. `onStop({ signal, err })` drains and closes. It has `budgetMs`; after a fatal error
 *    `fatalBudgetMs` (default `budgetMs`), since a process in an unknown state should not linger.
 * 3. Work that must outlive the drain (the telemetry flush, src/startup/after-drain.ts) runs in
 *    what is left of the budget and of `onOverrun.timeoutMs`: close-with-grace's own timer ends
 *    the process at their sum, whatever still runs.
 * 4. Exit 0 after a signal, 1 after a fatal error.
 *
 * Exit 1 instead: a second signal (or fatal error) during the stop, at once; `onStop` throwing; or
 * `onStop` outliving its budget. In that last case `onOverrun.run()` first gets `onOverrun.timeoutMs`
 * to leave things in order, e.g. to give unfinished jobs back to their queue so another process
 * takes them now rather than after a lease expires.
 */

export interface StopLogger {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
  /** pino's: calls back once the lines logged so far are written */
  flush?(cb: (err?: Error) => void): void;
}

export interface StopReason {
  signal?: string;
  err?: unknown;
}

export interface Overrun {
  /** How long `run` may take; the exit is 1 whether it finishes or not. */
  timeoutMs: number;
  /** `budgetMs`: the budget `onStop` outlived. */
  run(outlived: { budgetMs: number }): Promise<void>;
}

export interface StopOptions {
  log: StopLogger;
  /** The whole graceful stop, drain included. */
  budgetMs: number;
  /** The budget after a fatal error, at most `budgetMs`. */
  fatalBudgetMs?: number;
  onStop: (reason: StopReason) => Promise<void>;
  onOverrun?: Overrun;
}

export interface Stop {
  /** Aborted the moment the stop begins. */
  readonly signal: AbortSignal;
  /**
   * Waits for the startup. When it fails and no stop has begun, the handlers are removed (the
   * failure, not a signal, ends the process), `failed(err)` says why and closes what was opened,
   * and the exit code is 1. When the stop caused the failure (an aborted wait), the stop decides.
   */
  awaitStartup(startup: Promise<void>, failed: (err: unknown) => Promise<void>): Promise<void>;
}

export function installStop({ log, budgetMs, fatalBudgetMs = budgetMs, onStop, onOverrun }: StopOptions): Stop {
  const begun = new AbortController();
  const overrunMs = onOverrun?.timeoutMs ?? 0;
  // close-with-grace's own timer is the last resort: it ends a stop that hangs anywhere, in the
  // overrun step or the flush included.
  const hardMs = budgetMs + overrunMs;
  const grace = closeWithGrace(
    {
      delay: hardMs,
      logger: {
        error: (err: unknown) => {
          log.error({ err }, 'shutdown failed');
        },
      },
      onSecondSignal: (signal) => {
        log.error({ signal }, 'second signal, exiting now');
      },
      onSecondError: (err) => {
        log.error({ err }, 'second fatal error while shutting down, exiting now');
      },
      onTimeout: (delayMs) => {
        log.error({ delayMs }, 'shutdown timed out, exiting');
      },
    },
    async ({ signal, err }) => {
      if (err) {
        log.error({ err }, 'fatal error, shutting down'); // R4.7: never log and carry on
      } else {
        log.info({ signal }, 'shutting down');
      }
      const budget = err === undefined ? budgetMs : Math.min(fatalBudgetMs, budgetMs);
      const deadline = performance.now() + budget + overrunMs;
      begun.abort(new Error(`stopping (${signal ?? 'fatal error'})`));
      // With nothing to do on an overrun and the full budget, close-with-grace's timer is the bound.
      const inTime = budget < hardMs ? await within(onStop({ signal, err }), budget) : (await onStop({ signal, err }), true);
      if (!inTime) {
        if (onOverrun) await within(onOverrun.run({ budgetMs: budget }), overrunMs);
        log.error({ budgetMs: budget }, 'shutdown timed out, exiting');
        process.exit(1);
      }
      await afterDrain(deadline); // the telemetry flush, when there is one: inside the budget
      log.info({}, 'closed');
      // pino writes in the background, and at close-with-grace's process.exit() it writes what is
      // queued at once, which can land before a line still on its way ('closed' before 'shutting
      // down'): wait, within the budget, until every line is out, in order.
      await within(flushed(log), Math.max(0, deadline - performance.now()));
    },
  );

  return {
    signal: begun.signal,
    awaitStartup: async (startup, failed) => {
      try {
        await startup;
      } catch (err) {
        if (begun.signal.aborted) {
          log.info({}, 'stopped during startup');
          return;
        }
        grace.uninstall();
        await failed(err);
        process.exitCode = 1;
      }
    },
  };
}

/** Settles once the logger has written what it was given (at once for a logger without flush). */
function flushed(log: StopLogger): Promise<void> {
  return new Promise((resolve) => {
    if (log.flush) log.flush(() => resolve());
    else resolve();
  });
}

/** Whether `work` settles within `ms` (its rejection is passed on: the stop fails, exit 1). */
async function within(work: Promise<void>, ms: number): Promise<boolean> {
  const timer = new AbortController();
  try {
    return await Promise.race([work.then(() => true), sleep(ms, false, { signal: timer.signal })]);
  } finally {
    timer.abort(); // the timer must not keep the process alive once the work is done
  }
}
