import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { startFakeBotApi, TEST_TOKEN, type FakeBotApi } from './helpers/fake-bot-api.js';
import { startFakeUpstream, type FakeUpstream } from './helpers/fake-upstream.js';
import { textUpdate } from './helpers/updates.js';

// The webhook server in-process (fastify.inject), its replies going to the fake Bot API (R4.5).

const SECRET = 'test-secret-0123456789';
const HEADER = 'x-telegram-bot-api-secret-token';

let api: FakeBotApi;
let upstream: FakeUpstream;
let app: FastifyInstance | undefined;

async function testApp(env: Record<string, string> = {}): Promise<FastifyInstance> {
  const config = loadConfig({
    BOT_TOKEN: TEST_TOKEN,
    TELEGRAM_API_ROOT: api.url,
    WEBHOOK_SECRET: SECRET,
    UPSTREAM_URL: upstream.url,
    UPSTREAM_TIMEOUT_MS: '5000',
    CPU_POOL_THREADS: '1',
    LOG_LEVEL: 'silent',
    ...env,
  });
  app = await buildApp(config, createLogger(config.logLevel));
  await app.ready();
  return app;
}

function post(target: FastifyInstance, body: unknown, secret?: string) {
  return target.inject({ method: 'POST', url: '/telegram', payload: body as object, headers: secret === undefined ? {} : { [HEADER]: secret } });
}

beforeAll(async () => {
  upstream = await startFakeUpstream({ slowMs: 1_500 });
});

beforeEach(async () => {
  api = await startFakeBotApi();
});

afterEach(async () => {
  await app?.close();
  app = undefined;
  await api.close();
});

afterAll(async () => {
  await upstream.close();
});

describe('webhook route', () => {
  it('authorizes the bot in onReady (getMe), without polling', async () => {
    await testApp();
    expect(api.calls).toEqual(['getMe']);
  });

  it('answers 401 without the secret header and handles nothing', async () => {
    const target = await testApp();
    const res = await post(target, textUpdate(1, 'hello'));
    expect(res.statusCode).toBe(401);
    expect(api.sent).toEqual([]);
  });

  it('answers 401 with a wrong secret', async () => {
    const target = await testApp();
    const res = await post(target, textUpdate(2, 'hello'), 'wrong-secret-0123456789');
    expect(res.statusCode).toBe(401);
    expect(api.sent).toEqual([]);
  });

  it('with the secret: 200, and the reply goes to the Bot API', async () => {
    const target = await testApp();
    const res = await post(target, textUpdate(3, 'hello'), SECRET);
    expect(res.statusCode).toBe(200);
    expect(api.sent).toMatchObject([{ text: 'hello', replyTo: 3 }]);
  });

  it('a failing update is logged and acknowledged with 200, so Telegram does not resend it forever', async () => {
    const target = await testApp();
    api.failNext('sendMessage', 1, { error_code: 400, description: 'Bad Request: chat not found' });
    const res = await post(target, textUpdate(4, 'lost'), SECRET);
    expect(res.statusCode).toBe(200);
  });

  it('P13: an update slower than WEBHOOK_TIMEOUT_MS gets 200 at the timeout, finishes, and close() waits for it', async () => {
    const target = await testApp({ WEBHOOK_TIMEOUT_MS: '300' });
    const res = await post(target, textUpdate(5, '/item slow'), SECRET); // the upstream takes 1.5 s
    expect(res.statusCode).toBe(200); // not 500: Telegram will not deliver it a second time
    expect(api.sent).toEqual([]); // answered while the handler still runs (no clock needed)
    await target.close(); // graceful shutdown waits for it
    app = undefined;
    expect(api.sent).toMatchObject([{ text: 'Item slow: {"id":"slow"}', replyTo: 5 }]);
  });
});

describe('health', () => {
  it('/live and /ready answer 200; once draining /ready is 503 (R4.2)', async () => {
    const target = await testApp();
    expect((await target.inject('/live')).statusCode).toBe(200);
    expect((await target.inject('/ready')).statusCode).toBe(200);
    target.beginDrain();
    expect((await target.inject('/ready')).statusCode).toBe(503);
    expect((await target.inject('/live')).statusCode).toBe(200);
  });
});
