import type { FastifyPluginCallback } from 'fastify';
import { webhookCallback, type Bot } from 'grammy';
import { createHash, timingSafeEqual } from 'node:crypto';
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
 * - Secret: the X-Telegram-Bot-Api-Secret-Token header must equal WEBHOOK_SECRET, else 401 and
 *   the update is not handled. It is checked in onRequest, on the headers alone, before the body
 *   is read: a stranger cannot hold a connection open by sending a body slowly. (grammY checks
 *   it again, after the body.)
 * - Timeout (P13): grammY's default answers 500 when a handler runs longer than the timeout while
 *   the handler keeps running, so Telegram sends the update again and it is handled twice. Here a
 *   slow update is acknowledged with 200 after WEBHOOK_TIMEOUT_MS instead, and keeps running in the
 *   background; graceful shutdown waits for it (src/app.ts). No duplicate from slowness; a crash
 *   while it runs loses it.
 */
export const webhookRoute: FastifyPluginCallback<WebhookOptions> = (app, opts, done) => {
  const expected = digest(opts.secret);
  app.post(
    opts.path,
    {
      onRequest: (request, reply, next) => {
        const given = request.headers['x-telegram-bot-api-secret-token'];
        if (typeof given === 'string' && timingSafeEqual(digest(given), expected)) {
          next();
          return;
        }
        reply.code(401).header('connection', 'close').send({ error: 'wrong secret token' });
      },
    },
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

/** Fixed-length digests, so the comparison takes the same time whatever the length of the guess. */
function digest(secret: string): Buffer {
  return createHash('sha256').update(secret).digest();
}
