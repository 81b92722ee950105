import type { Bot, Middleware } from 'grammy';
import type { Config } from './config.js';
import type { Logger } from './logger.js';

// bot.start() handles one update at a time: it has no setting beyond POLL_TIMEOUT_S, which every
// way of polling shares (src/mode-config.ts). These exports are empty so that src/mode-config.ts
// reads the same names whichever poller the project was generated with.
export type PollerConfig = Record<never, never>;
export type PollerEnv = Record<never, never>;
export const POLLER_PROPERTIES = {};
export const pollerConfig: (env: PollerEnv) => PollerConfig = () => ({});

export interface Poller {
  /** First middleware of the bot: once stopping, the rest of the fetched batch is skipped. */
  gate: Middleware;
  /** Polls until stop(); rejects on 401/409 (P11, P12). */
  start(bot: Bot): Promise<void>;
  /** Stops taking updates and resolves once the update in progress has finished. */
  stop(): Promise<void>;
}

/**
 * Long polling with bot.start(): updates are handled one at a time, in order.
 *
 * grammY's documented `process.once('SIGINT', () => bot.stop())` is not enough (P9): stop()
 * confirms the update in progress without waiting for it, and the rest of the fetched batch keeps
 * being handled afterwards without being confirmed, so it is handled again after a restart. Here:
 * 1. the gate skips every update that starts after the signal: those stay unconfirmed, and the
 *    next instance gets them;
 * 2. stop() aborts the idle long poll at once and confirms offset = update in progress + 1;
 * 3. the promise of bot.start() is awaited, so the update in progress finishes before we go on.
 */
export function createPoller(config: Config, log: Logger): Poller {
  let current: Bot | undefined;
  let polling: Promise<void> | undefined;
  let stopping = false;

  return {
    gate: async (_ctx, next) => {
      if (stopping) return; // R4.3: not handled, not confirmed
      await next();
    },

    start(bot) {
      if (stopping) return Promise.resolve(); // a signal came during bot.init()
      current = bot;
      polling = bot.start({
        timeout: config.pollTimeoutSeconds,
        drop_pending_updates: false, // updates that arrived while no instance ran are handled, not dropped
        onStart: () => {
          log.info('polling for updates');
        },
      });
      return polling;
    },

    async stop() {
      stopping = true;
      if (!current || !polling) return;
      await current.stop(); // aborts getUpdates, confirms offset = update in progress + 1 (R4.3)
      await polling.catch(() => undefined); // stop() does not wait for the middleware: this does (P9)
    },
  };
}
