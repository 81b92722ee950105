import closeWithGrace from 'close-with-grace';
import { afterDrain } from './after-drain.js';

/**
 * How the process stops: written once, on close-with-grace (R4.1, R4.7).
 *
 * API (src/main.ts calls it before its first await, so a signal during startup is never lost):
 *
 *   const stop = installStop({ log, budgetMs, onStop });
 *
 *   onStop({ signal, err })  the graceful stop. After it resolves the process exits 0, or 1 when
 *                            it was started by a fatal error (`err`: uncaughtException or
 *                            unhandledRejection). If it throws, or outlives `budgetMs`, exit 1.
 *   stop.signal              an AbortSignal aborted the moment the stop begins: pass it to every
 *                            startup call that waits on the network, so a SIGTERM during startup
 *                            ends that wait at once instead of after `budgetMs`.
 *   stop.uninstall()         removes the handlers: for a startup failure that sets its own exit code.
 *
 * A second SIGTERM/SIGINT (or a second fatal error) during the stop exits 1 at once.
 */

export interface StopLogger {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface StopReason {
  signal?: string;
  err?: unknown;
}

export interface StopOptions {
  log: StopLogger;
  /** The whole stop, drain included; past it the process exits 1. */
  budgetMs: number;
  onStop: (reason: StopReason) => Promise<void>;
}

export interface Stop {
  readonly signal: AbortSignal;
  uninstall(): void;
}

export function installStop({ log, budgetMs, onStop }: StopOptions): Stop {
  const begun = new AbortController();
  const grace = closeWithGrace(
    {
      delay: budgetMs,
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
        log.error({ err }, 'fatal error, shutting down');
      } else {
        log.info({ signal }, 'shutting down');
      }
      const deadline = performance.now() + budgetMs;
      begun.abort(new Error(`stopping (${signal ?? 'fatal error'})`));
      await onStop({ signal, err });
      await afterDrain(deadline); // the telemetry flush, when there is one: inside the budget
      log.info({}, 'closed');
    },
  );
  return {
    signal: begun.signal,
    uninstall: () => {
      grace.uninstall();
    },
  };
}
