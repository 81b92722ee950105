import { Composer, type Context } from 'grammy';
import type { Dispatcher } from 'undici';
import type { CommandDeps } from '../bot.js';

const ID = /^[A-Za-z0-9_-]{1,64}$/;

/** The answer of a fresh project, which has no catalog yet: it says what to set, and calls nothing. */
export const NO_UPSTREAM_REPLY = 'No catalog is configured yet: set UPSTREAM_URL to a service that answers GET /items/:id, then ask again.';

async function fetchItem(upstream: Dispatcher | undefined, id: string, timeoutMs: number): Promise<string> {
  if (!upstream) return NO_UPSTREAM_REPLY;
  const path = `/items/${encodeURIComponent(id)}`;
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    // R2.2: async call on the shared pool, bounded by a deadline (undici's own default is 300 s)
    const res = await upstream.request({ method: 'GET', path, signal });
    if (res.statusCode < 200 || res.statusCode >= 300) {
      await res.body.dump(); // free the socket for the next call
      return `The catalog answered ${res.statusCode} for ${id}.`;
    }
    return `Item ${id}: ${JSON.stringify(await res.body.json())}`;
  } catch (err) {
    if (signal.aborted) return `The catalog did not answer within ${timeoutMs} ms.`;
    throw err;
  }
}

/**
 * /item <id>: awaits an outbound HTTP call. The loop serves other updates meanwhile; the call has
 * a timeout, so a slow upstream costs this update at most UPSTREAM_TIMEOUT_MS, and on shutdown the
 * update in progress is allowed to finish (R4.3).
 */
export function itemHandler(deps: CommandDeps): Composer<Context> {
  const composer = new Composer<Context>();
  composer.command('item', async (ctx) => {
    const id = ctx.match.trim();
    const reply = ID.test(id) ? await fetchItem(deps.resources().upstream, id, deps.config.upstreamTimeoutMs) : 'Usage: /item <id>, e.g. /item 42';
    await ctx.reply(reply, { reply_parameters: { message_id: ctx.msg.message_id } });
  });
  return composer;
}
