import type { Bot } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import { Piscina } from 'piscina';
import { MockAgent } from 'undici';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createBot } from '../src/bot.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { NO_UPSTREAM_REPLY } from '../src/handlers/item.js';
import { HASH_WORKER, openResources, WORKER_EXEC_ARGV } from '../src/resources.js';
import { textUpdate } from './helpers/updates.js';

// Handler tests without any network: Bot API calls are answered by an API transformer in this
// process, the upstream by undici's MockAgent, and the bot's identity is given, not fetched.

const UPSTREAM = 'http://catalog.test';
const ENV = {
  BOT_TOKEN: '123456:TEST-token',
  UPSTREAM_URL: UPSTREAM,
  UPSTREAM_TIMEOUT_MS: '300',
  WEBHOOK_SECRET: 'test-secret-0123456789', // needed in webhook mode, ignored otherwise
};

interface ApiCall {
  method: string;
  payload: Record<string, unknown>;
}

let mockAgent: MockAgent;
let cpuPool: Piscina;
let calls: ApiCall[];
let bot: Bot;

function replies(): { text: string; replyTo: number | undefined }[] {
  return calls
    .filter((c) => c.method === 'sendMessage')
    .map((c) => ({ text: String(c.payload.text), replyTo: (c.payload.reply_parameters as { message_id?: number } | undefined)?.message_id }));
}

beforeAll(() => {
  cpuPool = new Piscina({ filename: HASH_WORKER, minThreads: 1, maxThreads: 1, execArgv: WORKER_EXEC_ARGV });
});

afterAll(async () => {
  await cpuPool.destroy();
});

beforeEach(() => {
  mockAgent = new MockAgent();
  mockAgent.disableNetConnect();
  calls = [];
  const config = loadConfig(ENV);
  bot = createBot(config, {
    log: createLogger('silent'),
    resources: () => ({ upstream: mockAgent.get(UPSTREAM), cpuPool }),
  });
  // What getMe would return; only the fields the handlers read (the type grows with the Bot API).
  bot.botInfo = { id: 123456, is_bot: true, first_name: 'Test Bot', username: 'test_bot' } as UserFromGetMe;
  // Installed after auto-retry, so it answers every call before it would reach the network.
  bot.api.config.use((_prev, method, payload) => {
    calls.push({ method, payload });
    return Promise.resolve({ ok: true, result: { message_id: 1, date: 0, chat: { id: 1, type: 'private' } } as never });
  });
});

afterEach(async () => {
  await mockAgent.close();
});

describe('handlers', () => {
  it('/start greets with the bot name', async () => {
    await bot.handleUpdate(textUpdate(1, '/start'));
    expect(replies()).toHaveLength(1);
    expect(replies()[0]?.text).toContain('Test Bot');
  });

  it('echoes text as a reply to the message', async () => {
    await bot.handleUpdate(textUpdate(2, 'hello there'));
    expect(replies()).toEqual([{ text: 'hello there', replyTo: 2 }]);
  });

  it('/item awaits the upstream and replies with the item (R2.2)', async () => {
    mockAgent.get(UPSTREAM).intercept({ path: '/items/42', method: 'GET' }).reply(200, { id: '42', name: 'kettle' });
    await bot.handleUpdate(textUpdate(3, '/item 42'));
    expect(replies()).toEqual([{ text: 'Item 42: {"id":"42","name":"kettle"}', replyTo: 3 }]);
  });

  it('/item answers in time when the upstream is slower than UPSTREAM_TIMEOUT_MS', async () => {
    mockAgent.get(UPSTREAM).intercept({ path: '/items/slow', method: 'GET' }).reply(200, { id: 'slow' }).delay(5_000);
    await bot.handleUpdate(textUpdate(4, '/item slow')); // the mock answers after 5 s
    expect(replies()).toEqual([{ text: 'The catalog did not answer within 300 ms.', replyTo: 4 }]);
  });

  it('/item reports an upstream error status', async () => {
    mockAgent.get(UPSTREAM).intercept({ path: '/items/7', method: 'GET' }).reply(500, 'boom');
    await bot.handleUpdate(textUpdate(5, '/item 7'));
    expect(replies()[0]?.text).toBe('The catalog answered 500 for 7.');
  });

  it('/item validates its argument without calling the upstream', async () => {
    await bot.handleUpdate(textUpdate(6, '/item ../etc'));
    expect(replies()[0]?.text).toMatch(/^Usage: \/item/);
  });

  it('/hash runs scrypt on the worker pool (R2.4)', async () => {
    await bot.handleUpdate(textUpdate(7, '/hash correct horse'));
    expect(replies()[0]?.text).toMatch(/^scrypt [0-9a-f]{32}… \(salt [0-9a-f]{32}\)$/);
    expect(replies()[0]?.replyTo).toBe(7);
  });

  it('/item works as generated: with UPSTREAM_URL unset it says what to set and calls nothing', async () => {
    const config = loadConfig({ BOT_TOKEN: ENV.BOT_TOKEN, WEBHOOK_SECRET: ENV.WEBHOOK_SECRET }); // as in .env.example
    const resources = openResources(config);
    try {
      expect(resources.upstream).toBeUndefined(); // no pool towards a catalog that does not exist
      const fresh = createBot(config, { log: createLogger('silent'), resources: () => resources });
      fresh.botInfo = bot.botInfo;
      fresh.api.config.use((_prev, method, payload) => {
        calls.push({ method, payload });
        return Promise.resolve({ ok: true, result: { message_id: 1, date: 0, chat: { id: 1, type: 'private' } } as never });
      });
      await fresh.handleUpdate(textUpdate(9, '/item 42'));
      expect(replies()).toEqual([{ text: NO_UPSTREAM_REPLY, replyTo: 9 }]);
    } finally {
      await resources.close();
    }
  });

  it('a failing handler rejects with its cause, for bot.catch (polling) or the webhook gate to log (P12)', async () => {
    mockAgent.get(UPSTREAM).intercept({ path: '/items/x', method: 'GET' }).replyWithError(new Error('connection reset'));
    await expect(bot.handleUpdate(textUpdate(8, '/item x'))).rejects.toThrow(/connection reset/);
    expect(replies()).toEqual([]);
  });
});
