import { run, type RunnerHandle } from '@grammyjs/runner';
import type { Bot, Middleware } from 'grammy';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Config } from './config.js';
import type { Logger } from './logger.js';

export interface Poller {
  /** First middleware of the bot: counts what started, and skips updates once stopping. */
  gate: Middleware;
  /** Polls until stop(); rejects on 401/409 (P11). */
  start(bot: Bot): Promise<void>;
  /** Stops taking updates and resolves once every running handler has finished. */
  stop(): Promise<void>;
}

const DRAIN_POLL_MS = 20;

/**
 * Long polling with @grammyjs/runner: up to RUNNER_CONCURRENCY updates are handled at the same
 * time (R4.4). Two facts of the runner shape the stop (P10):
 * - handle.stop() resolves while handlers still run, so we wait until handle.size() is 0;
 * - the runner confirms a batch only with its next getUpdates call, so the last batch it fetched
 *   is still unconfirmed when it stops. After the drain we confirm it ourselves, up to the last
 *   update that was handled; updates skipped by the gate after the signal stay unconfirmed and go
 *   to the next instance. Each update is handled once across a graceful restart.
 * A hard kill (SIGKILL, OOM) can lose updates the runner confirmed early: that is the runner's
 * documented trade-off; use the sequential mode (--no-runner) when that matters more than speed.
 */
export function createPoller(config: Config, log: Logger): Poller {
  let current: Bot | undefined;
  let handle: RunnerHandle | undefined;
  let stopping = false;
  let lastStarted = 0; // highest update_id let through the gate

  return {
    gate: async (ctx, next) => {
      if (stopping) return; // R4.3: not handled, not confirmed
      lastStarted = Math.max(lastStarted, ctx.update.update_id);
      await next();
    },

    async start(bot) {
      if (stopping) return; // a signal came during bot.init()
      current = bot;
      await bot.api.deleteWebhook({ drop_pending_updates: false }); // bot.start() does this; run() does not
      if (stopping) return;
      handle = run(bot, {
        runner: { fetch: { timeout: config.pollTimeoutSeconds } },
        sink: { concurrency: config.runnerConcurrency },
      });
      log.info({ concurrency: config.runnerConcurrency }, 'polling for updates');
      await handle.task(); // rejects on 401/409; resolves once stopped
    },

    async stop() {
      stopping = true;
      if (!current || !handle) return;
      await handle.stop(); // aborts getUpdates; returns BEFORE the running handlers finish (P10)
      while (handle.size() > 0) {
        // R4.4: drain; bounded by SHUTDOWN_TIMEOUT_MS in main.ts
        await sleep(DRAIN_POLL_MS);
      }
      if (lastStarted > 0) {
        // Confirm what was handled; Telegram forgets updates below the offset.
        await current.api.getUpdates({ offset: lastStarted + 1, limit: 1, timeout: 0 });
      }
    },
  };
}
