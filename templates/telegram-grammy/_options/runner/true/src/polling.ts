import { createConcurrentSink, createRunner, createSource, type RunnerHandle, type UpdateSupplier } from '@grammyjs/runner';
import { GrammyError, type Bot, type Middleware } from 'grammy';
import type { Update } from 'grammy/types';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Config } from './config.js';
import type { Logger } from './logger.js';

// The runner's own setting, read once at startup by src/mode-config.ts with the rest of the
// configuration (and validated there with it: one line naming the variable on a bad value).
export interface PollerConfig {
  /** R4.4: at most this many updates are handled at the same time. */
  runnerConcurrency: number;
}
export interface PollerEnv {
  RUNNER_CONCURRENCY: number;
}
export const POLLER_PROPERTIES = {
  RUNNER_CONCURRENCY: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
};
export function pollerConfig(env: PollerEnv): PollerConfig {
  return { runnerConcurrency: env.RUNNER_CONCURRENCY };
}

export interface Poller {
  /** First middleware of the bot: skips updates once stopping (they stay unconfirmed). */
  gate: Middleware;
  /** Polls until stop(); rejects on 401/409 (P11). */
  start(bot: Bot): Promise<void>;
  /** Stops taking updates and resolves once every running handler has finished. */
  stop(): Promise<void>;
}

const DRAIN_POLL_MS = 20;
/** While only updates still in progress come back, ask again this often (or when one finishes). */
const BLOCKED_RETRY_MS = 1_000;
const MAX_FETCH_BACKOFF_MS = 5_000;


/**
 * Long polling with @grammyjs/runner: up to RUNNER_CONCURRENCY updates are handled at the same
 * time (R4.4), with an update source of our own instead of the runner's.
 *
 * Telegram forgets every update below the `offset` of a getUpdates call. The runner's own fetcher
 * sends offset = last fetched + 1, which confirms updates whose handlers still run: a crash then
 * loses them. This source sends offset = the oldest update still in progress (or the next one
 * when none is), so an update is confirmed only once it and every older one have finished.
 * Telegram therefore delivers again the updates from the oldest running one on; those this process
 * already took are filtered out (update ids only grow), so each is handled once while it runs.
 *
 * - SIGTERM: no update starts after the signal (the gate skips them, they stay unconfirmed), the
 *   running ones finish, then everything handled is confirmed: nothing lost, nothing repeated.
 * - SIGKILL or a crash: nothing confirmed was unfinished, so nothing is lost; the next instance
 *   handles again the updates that were running, and those that finished after the oldest of
 *   them (at-least-once: make handlers that must not repeat idempotent).
 * - A handler that runs long holds the confirmation back: newer updates are still handled, but at
 *   most 100 of them can pass it (Telegram's getUpdates limit) before polling waits for it.
 */
export function createPoller(config: Config, log: Logger): Poller {
  let current: Bot | undefined;
  let handle: RunnerHandle | undefined;
  let stopping = false;
  const running = new Set<number>(); // update_ids whose handler runs
  let highest = 0; // highest update_id taken
  let firstSkipped: number | undefined; // lowest update_id skipped after the signal
  let finished: (() => void) | undefined; // wakes a fetch that waits for a handler to finish

  /** Offset for getUpdates: confirms what is finished and nothing that still runs. */
  const offset = () => (running.size > 0 ? Math.min(...running) : highest === 0 ? 0 : highest + 1);

  const oneFinished = (signal: AbortSignal) =>
    new Promise<void>((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', wake);
        finished = undefined;
        resolve();
      };
      const timer = setTimeout(wake, BLOCKED_RETRY_MS);
      signal.addEventListener('abort', wake);
      finished = wake;
    });

  const supplier = (bot: Bot): UpdateSupplier<Update> => ({
    supply: async (batchSize, signal) => {
      // The runner types its signal with the abort-controller polyfill; at runtime it is Node's.
      const aborted = signal as unknown as AbortSignal;
      let backoffMs = 100;
      for (;;) {
        let updates: Update[];
        try {
          // one long poll at a time, by design
          updates = await bot.api.getUpdates({ offset: offset(), limit: 100, timeout: config.pollTimeoutSeconds }, signal);
        } catch (err) {
          if (signal.aborted) throw err;
          if (err instanceof GrammyError && (err.error_code === 401 || err.error_code === 409)) throw err; // P11
          log.warn({ err, retryInMs: backoffMs }, 'getUpdates failed, retrying');
          // backoff between attempts
          await sleep(backoffMs, undefined, { signal: aborted }).catch(() => undefined);
          backoffMs = Math.min(backoffMs * 2, MAX_FETCH_BACKOFF_MS);
          continue;
        }
        // The runner starts every update it is given at once: take no more than the free slots.
        const slots = Math.max(1, Math.min(batchSize, config.runnerConcurrency - running.size));
        const fresh = updates.filter((u) => u.update_id > highest).slice(0, slots);
        const last = fresh.at(-1);
        if (last) {
          highest = last.update_id;
          return fresh;
        }
        if (signal.aborted) return [];
        // Only updates this process already took came back: wait for one to finish, or ask again soon.
        // waits on purpose, bounded by BLOCKED_RETRY_MS
        if (updates.length > 0) await oneFinished(aborted);
      }
    },
  });

  return {
    gate: async (ctx, next) => {
      if (stopping) {
        firstSkipped = Math.min(firstSkipped ?? Infinity, ctx.update.update_id); // R4.3: not handled, not confirmed
        return;
      }
      await next();
    },

    async start(bot) {
      if (stopping) return; // a signal came during bot.init()
      current = bot;
      await bot.api.deleteWebhook({ drop_pending_updates: false }); // bot.start() does this; the runner does not
      if (stopping) return;
      const sink = createConcurrentSink<Update>(
        {
          consume: async (update) => {
            running.add(update.update_id);
            try {
              await bot.handleUpdate(update);
            } finally {
              running.delete(update.update_id);
              finished?.();
            }
          },
        },
        async (err) => {
          await bot.errorHandler(err as Parameters<Bot['errorHandler']>[0]);
        },
        { concurrency: config.runnerConcurrency },
      );
      handle = createRunner(createSource(supplier(bot)), sink);
      handle.start();
      log.info({ concurrency: config.runnerConcurrency }, 'polling for updates');
      await handle.task(); // rejects on 401/409; resolves once stopped
    },

    async stop() {
      stopping = true;
      if (!current || !handle) return;
      await handle.stop(); // aborts getUpdates; returns BEFORE the running handlers finish (P10)
      while (handle.size() > 0 || running.size > 0) {
        // R4.4: drain; bounded by SHUTDOWN_TIMEOUT_MS in main.ts
        await sleep(DRAIN_POLL_MS);
      }
      if (highest > 0) {
        // Confirm what was handled: everything below the first skipped update, or all taken.
        await current.api.getUpdates({ offset: firstSkipped ?? highest + 1, limit: 1, timeout: 0 });
      }
    },
  };
}
