import type { Bot } from 'grammy';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createBot } from '../src/bot.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { startFakeBotApi, TEST_TOKEN, type FakeBotApi } from './helpers/fake-bot-api.js';
import { textUpdate } from './helpers/updates.js';

// Outbound calls to the Bot API retry on 429 and 5xx through @grammyjs/auto-retry, against the
// fake Bot API on 127.0.0.1.

let api: FakeBotApi;
let bot: Bot;

beforeEach(async () => {
  api = await startFakeBotApi();
  const config = loadConfig({ BOT_TOKEN: TEST_TOKEN, TELEGRAM_API_ROOT: api.url, WEBHOOK_SECRET: 'test-secret-0123456789' });
  bot = createBot(config, {
    log: createLogger('silent'),
    resources: () => {
      throw new Error('not used by these updates');
    },
  });
  await bot.init();
});

afterEach(async () => {
  await api.close();
});

describe('Bot API client', () => {
  it('bot.init() reads the bot identity with getMe', () => {
    expect(bot.botInfo.username).toBe('test_bot');
  });

  it('waits retry_after and sends again on 429', async () => {
    api.failNext('sendMessage', 1, { error_code: 429, description: 'Too Many Requests: retry after 1', retry_after: 1 });
    const started = Date.now();
    await bot.handleUpdate(textUpdate(1, 'hello'));
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(api.calls.filter((m) => m === 'sendMessage')).toHaveLength(2);
    expect(api.sent.map((m) => m.text)).toEqual(['hello']);
  });

  it('retries a 5xx with backoff', async () => {
    api.failNext('sendMessage', 1, { error_code: 502, description: 'Bad Gateway' });
    await bot.handleUpdate(textUpdate(2, 'again'));
    expect(api.sent.map((m) => m.text)).toEqual(['again']);
  }, 15_000);

  it('does not retry other errors', async () => {
    api.failNext('sendMessage', 1, { error_code: 400, description: 'Bad Request: chat not found' });
    await expect(bot.handleUpdate(textUpdate(3, 'lost'))).rejects.toThrow(/chat not found/);
    expect(api.calls.filter((m) => m === 'sendMessage')).toHaveLength(1);
  });
});
