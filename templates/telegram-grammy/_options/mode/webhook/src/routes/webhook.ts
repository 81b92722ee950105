import type { FastifyPluginCallback } from 'fastify';
import { webhookCallback, type Bot } from 'grammy';
import type { Logger } from '../logger.js';

export interface WebhookOptions {
  bot: Bot;
  log: Logger;
  path: string;
  secret: string;
  timeoutMs: number;
}

/**
 * POST <WEBHOOK_PATH>: Telegram delivers one update per request (R4.5).
 * - Secret: the X-Telegram-Bot-Api-Secret-Token header must equal WEBHOOK_SECRET (compared in
 *   constant time by grammY), else 401 and the update is not handled.
 * - Timeout (P13): grammY's default answers 500 when a handler runs longer than the timeout while
 *   the handler keeps running, so Telegram sends the update again and it is handled twice. Here a
 *   slow update is acknowledged with 200 after WEBHOOK_TIMEOUT_MS instead, and keeps running in the
 *   background; graceful shutdown waits for it (src/app.ts). No duplicate from slowness; a crash
 *   while it runs loses it.
 */
export const webhookRoute: FastifyPluginCallback<WebhookOptions> = (app, opts, done) => {
  app.post(
    opts.path,
    webhookCallback(opts.bot, 'fastify', {
      secretToken: opts.secret,
      timeoutMilliseconds: opts.timeoutMs,
      onTimeout: (request: { body?: { update_id?: unknown } }) => {
        opts.log.warn(
          { updateId: request.body?.update_id, timeoutMs: opts.timeoutMs },
          'update still running: acknowledged to Telegram, finishing in the background',
        );
      },
    }),
  );
  done();
};
