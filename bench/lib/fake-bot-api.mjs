// A fake Telegram Bot API on 127.0.0.1, trimmed from the generated project's
// test/helpers/fake-bot-api.ts (RULEBOOK §5.4) to what the bot benchmark needs: getMe,
// deleteWebhook, getUpdates with real offset semantics (an update is confirmed by a later offset;
// long poll woken by push; a poll whose client went away is dropped) and sendMessage, recorded and
// answered after `replyDelayMs`, which keeps handlers in flight when the signal comes.
import { once } from 'node:events';
import { createServer } from 'node:http';

export const TOKEN = '123456:BENCH-token';

export async function startFakeBotApi({ replyDelayMs = 0 } = {}) {
  let queue = [];
  const waiting = new Set();
  const sent = [];

  const reply = (res, status, body) => {
    if (!res.destroyed && !res.writableEnded) res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };

  function getUpdates(params, res) {
    const offset = Number(params.offset ?? 0);
    const limit = Math.min(100, Math.max(1, Number(params.limit ?? 100)));
    if (offset > 0) queue = queue.filter((u) => u.update_id >= offset); // confirmed: forgotten
    for (const w of [...waiting]) w.conflict(); // one poller per token, as Telegram (409)
    const available = () => queue.filter((u) => u.update_id >= offset).slice(0, limit);
    if (available().length > 0 || !Number(params.timeout)) return reply(res, 200, { ok: true, result: available() });
    const w = {
      wake: () => available().length > 0 && (done(), reply(res, 200, { ok: true, result: available() })),
      conflict: () => (done(), reply(res, 409, { ok: false, error_code: 409, description: 'Conflict: terminated by other getUpdates request' })),
    };
    const timer = setTimeout(() => (done(), reply(res, 200, { ok: true, result: [] })), Number(params.timeout) * 1000);
    const done = () => {
      clearTimeout(timer);
      waiting.delete(w);
    };
    waiting.add(w);
    res.once('close', done);
  }

  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const m = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(req.url ?? '');
      if (!m || m[1] !== TOKEN) return reply(res, 401, { ok: false, error_code: 401, description: 'Unauthorized' });
      const params = body ? JSON.parse(body) : {};
      switch (m[2]) {
        case 'getMe':
          return reply(res, 200, { ok: true, result: { id: 123456, is_bot: true, first_name: 'Bench', username: 'bench_bot' } });
        case 'deleteWebhook':
          return reply(res, 200, { ok: true, result: true });
        case 'getUpdates':
          return getUpdates(params, res);
        case 'sendMessage': {
          sent.push({ replyTo: params.reply_parameters?.message_id, at: performance.now() });
          const result = { message_id: 1_000_000 + sent.length, date: Math.floor(Date.now() / 1000), chat: { id: Number(params.chat_id), type: 'private' }, text: String(params.text) };
          setTimeout(() => reply(res, 200, { ok: true, result }), replyDelayMs);
          return undefined;
        }
        default:
          return reply(res, 404, { ok: false, error_code: 404, description: `Not Found: ${m[2]}` });
      }
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');

  return {
    url: `http://127.0.0.1:${server.address().port}`,
    sent,
    pendingPolls: () => waiting.size,
    /** Queues text updates; message_id = update_id, so a reply names the update it answers. */
    push(ids) {
      for (const id of ids) {
        const chat = { id: 4242, type: 'private', first_name: 'Bench' };
        queue.push({ update_id: id, message: { message_id: id, date: Math.floor(Date.now() / 1000), chat, from: { id: 4242, is_bot: false, first_name: 'Bench' }, text: `update ${id}` } });
      }
      for (const w of [...waiting]) w.wake();
    },
    unconfirmed: () => queue.map((u) => u.update_id),
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}
