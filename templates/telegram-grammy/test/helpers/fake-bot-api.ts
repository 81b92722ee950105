import { once } from 'node:events';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Update } from 'grammy/types';

export const TEST_TOKEN = '123456:TEST-token_for-the-fake-api';

/** One getUpdates call as the fake saw it. */
export interface GetUpdatesCall {
  offset: number;
  limit: number;
  timeout: number;
  /** update_ids returned (empty when the call was aborted or timed out). */
  returned: number[];
  at: number;
}

/** One sendMessage call. */
export interface SentMessage {
  chatId: number;
  text: string;
  /** reply_parameters.message_id: which message (and so which update) this answers. */
  replyTo: number | undefined;
  /** When the call arrived. */
  at: number;
  /** When the fake answered it (later than `at` with `delay()`): the handler could go on from then. */
  answeredAt: number | undefined;
}

export interface FakeBotApi {
  /** apiRoot for grammY: no trailing slash (P15). */
  url: string;
  getUpdatesCalls: GetUpdatesCall[];
  sent: SentMessage[];
  /** Every method called, in order. */
  calls: string[];
  webhook: { url: string; secretToken: string | undefined } | undefined;
  /** Long polls waiting right now. */
  pendingPolls(): number;
  /** Queues updates (atomically: one waiting long poll gets them all) and wakes a waiting poll. */
  push(...updates: Update[]): void;
  /** Updates Telegram still holds: not yet confirmed by an offset above them. */
  unconfirmed(): number[];
  /** The next `count` calls of `method` fail with this error (e.g. 429 with retry_after). */
  failNext(method: string, count: number, error: { error_code: number; description: string; retry_after?: number }): void;
  /** Answers every later call of `method` only after `ms`, to keep handlers in flight longer. */
  delay(method: string, ms: number): void;
  /** Never answers a later call of `method` (a Bot API that hangs): only the client can end it. */
  hang(method: string): void;
  /** Resolves when `check()` is true; re-checked on every call the fake receives (bounded). */
  waitFor(check: () => boolean, what: string, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

interface Waiter {
  respond: () => void;
}

/**
 * A stand-in for the Telegram Bot API on 127.0.0.1, with the getUpdates semantics the shutdown
 * contract depends on (docs/loop-rules.md §5.4):
 * - an update is confirmed, and forgotten, once getUpdates is called with an offset above it;
 * - getUpdates returns the unconfirmed updates from `offset` on (at most `limit`), at once if there
 *   are any, else it waits up to `timeout` seconds and wakes when updates are pushed;
 * - a waiting call whose client goes away (grammY's stop() aborts it) is dropped;
 * - a newer getUpdates ends an older waiting one with 409, as Telegram does for two pollers (P11).
 * Every getUpdates offset and every sendMessage is recorded, so tests can prove what was confirmed.
 */
export async function startFakeBotApi(options: { token?: string } = {}): Promise<FakeBotApi> {
  const token = options.token ?? TEST_TOKEN;
  let queue: Update[] = [];
  let waiters: Waiter[] = [];
  const failures = new Map<string, { count: number; error: { error_code: number; description: string; retry_after?: number } }>();
  const delays = new Map<string, number>();
  const hanging = new Set<string>();
  const listeners = new Set<() => void>();
  let messageId = 1_000_000;

  const notify = () => {
    for (const listener of listeners) listener();
  };

  const confirm = (offset: number) => {
    if (offset > 0) queue = queue.filter((u) => u.update_id >= offset);
  };

  function reply(res: ServerResponse, status: number, body: unknown): void {
    if (res.destroyed || res.writableEnded) return;
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  }

  function getUpdates(params: Record<string, unknown>, res: ServerResponse): void {
    const offset = Number(params.offset ?? 0);
    const limit = Math.min(100, Math.max(1, Number(params.limit ?? 100)));
    const timeout = Number(params.timeout ?? 0);
    const call: GetUpdatesCall = { offset, limit, timeout, returned: [], at: Date.now() };
    fake.getUpdatesCalls.push(call);
    confirm(offset);

    // Telegram allows one getUpdates at a time per token: the older waiting one gets 409.
    for (const old of waiters.splice(0)) old.respond();

    const available = () => queue.filter((u) => u.update_id >= offset).slice(0, limit);
    const answer = () => {
      const updates = available();
      call.returned = updates.map((u) => u.update_id);
      reply(res, 200, { ok: true, result: updates });
    };
    if (available().length > 0 || timeout === 0) {
      answer();
      return;
    }
    // Long poll: wait for a push, the timeout, a newer getUpdates (409) or the client going away.
    const waiter: Waiter = {
      respond: () => {
        cancel();
        reply(res, 409, { ok: false, error_code: 409, description: 'Conflict: terminated by other getUpdates request' });
      },
    };
    const wake = () => {
      if (available().length === 0) return;
      cancel();
      answer();
    };
    const timer = setTimeout(() => {
      cancel();
      answer();
      notify();
    }, timeout * 1_000);
    const cancel = () => {
      clearTimeout(timer);
      waiters = waiters.filter((w) => w !== waiter);
      listeners.delete(wake);
    };
    waiters.push(waiter);
    listeners.add(wake);
    // The client aborted (grammY's stop(), process exit): forget the waiting call.
    res.once('close', () => {
      if (res.writableFinished) return;
      cancel();
      notify();
    });
  }

  function handle(method: string, params: Record<string, unknown>, res: ServerResponse): void {
    fake.calls.push(method);
    if (hanging.has(method)) return; // the response stays open until the client goes away
    const failure = failures.get(method);
    if (failure && failure.count > 0) {
      failure.count -= 1;
      const { retry_after, ...error } = failure.error;
      reply(res, error.error_code, { ok: false, ...error, ...(retry_after === undefined ? {} : { parameters: { retry_after } }) });
      return;
    }
    switch (method) {
      case 'getMe':
        reply(res, 200, {
          ok: true,
          result: { id: 123456, is_bot: true, first_name: 'Test Bot', username: 'test_bot', can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: false },
        });
        return;
      case 'deleteWebhook':
        fake.webhook = undefined;
        reply(res, 200, { ok: true, result: true });
        return;
      case 'setWebhook':
        fake.webhook = { url: String(params.url), secretToken: typeof params.secret_token === 'string' ? params.secret_token : undefined };
        reply(res, 200, { ok: true, result: true });
        return;
      case 'getUpdates':
        getUpdates(params, res);
        return;
      case 'sendMessage': {
        const chatId = Number(params.chat_id);
        const text = String(params.text);
        const replyTo = (params.reply_parameters as { message_id?: number } | undefined)?.message_id;
        const message: SentMessage = { chatId, text, replyTo, at: Date.now(), answeredAt: undefined };
        fake.sent.push(message);
        messageId += 1;
        const result = { message_id: messageId, date: Math.floor(Date.now() / 1_000), chat: { id: chatId, type: 'private', first_name: 'Test' }, text };
        setTimeout(() => {
          message.answeredAt = Date.now();
          reply(res, 200, { ok: true, result });
          notify();
        }, delays.get(method) ?? 0);
        return;
      }
      default:
        reply(res, 404, { ok: false, error_code: 404, description: `Not Found: method ${method} is not faked` });
    }
  }

  const server = createServer((req, res) => {
    const match = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(req.url ?? '');
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
    });
    req.on('end', () => {
      if (!match) {
        reply(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
      } else if (match[1] !== token) {
        fake.calls.push(match[2] ?? '');
        reply(res, 401, { ok: false, error_code: 401, description: 'Unauthorized' });
      } else {
        let params: Record<string, unknown> = {};
        try {
          params = body === '' ? {} : (JSON.parse(body) as Record<string, unknown>);
        } catch {
          reply(res, 400, { ok: false, error_code: 400, description: 'Bad Request: invalid JSON' });
          return;
        }
        handle(match[2] ?? '', params, res);
      }
      notify();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;

  const fake: FakeBotApi = {
    url: `http://127.0.0.1:${port}`,
    getUpdatesCalls: [],
    sent: [],
    calls: [],
    webhook: undefined,
    pendingPolls: () => waiters.length,
    push: (...updates) => {
      queue.push(...updates);
      notify();
    },
    unconfirmed: () => queue.map((u) => u.update_id),
    failNext: (method, count, error) => {
      failures.set(method, { count, error });
    },
    delay: (method, ms) => {
      delays.set(method, ms);
    },
    hang: (method) => {
      hanging.add(method);
    },
    waitFor: (check, what, timeoutMs = 10_000) =>
      new Promise((resolve, reject) => {
        const test = () => {
          if (!check()) return;
          listeners.delete(test);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => {
          listeners.delete(test);
          reject(new Error(`fake Bot API: ${what} did not happen within ${timeoutMs} ms`));
        }, timeoutMs);
        listeners.add(test);
        test();
      }),
    close: async () => {
      for (const listener of [...listeners]) listeners.delete(listener);
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
  return fake;
}
