import { Client } from 'undici';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MODE_REQUIRED } from '../src/mode-config.js';
import { startFakeCollector, UNREACHABLE, within } from './helpers/fake-collector.js';
import { startFakeBotApi, TEST_TOKEN, type FakeBotApi } from './helpers/fake-bot-api.js';
import { startFakeUpstream, type FakeUpstream } from './helpers/fake-upstream.js';
import { assertLoopWithinBudget, LOOP_GUARD, loopGuardReport } from './helpers/loop-guard.js';
import { exitWithin, killAll, serviceEnv, startService, type Service } from './helpers/service.js';
import { textUpdate } from './helpers/updates.js';

// --telemetry otel: the built bot, started the way `npm start` starts it (with the preload),
// exports to a fake collector on 127.0.0.1; Telegram is the fake Bot API (long polling) or this
// test posting to the webhook. No timing is asserted: exit codes, and which spans arrived, decide.

const WEBHOOK = MODE_REQUIRED.includes('WEBHOOK_SECRET'); // the mode this project was generated with
const SECRET = 'test-secret-0123456789';
const UPDATES = 60;
const SIGTERM_AFTER = 10; // updates handled before the SIGTERM: the rest are in flight or waiting
const MAX_LOOP_DELAY_MS = 500;

let api: FakeBotApi;
let upstream: FakeUpstream;
const clients: Client[] = [];

function botEnv(endpoint: string, overrides: Record<string, string> = {}): Record<string, string> {
  return serviceEnv({
    BOT_TOKEN: TEST_TOKEN,
    TELEGRAM_API_ROOT: api.url,
    UPSTREAM_URL: upstream.url,
    ...(WEBHOOK ? { WEBHOOK_SECRET: SECRET, DRAIN_DELAY_MS: '200' } : {}),
    OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    OTEL_SERVICE_NAME: 'bot-under-test',
    OTEL_EXPORTER_OTLP_TIMEOUT: '30000', // a loaded machine may take a while to export; the tests' base is 1 s
    ...overrides,
  });
}

async function startBot(env: Record<string, string>, nodeArgs: string[] = []): Promise<Service> {
  const bot = await startService(env, { nodeArgs, waitForListening: WEBHOOK });
  if (!WEBHOOK) await bot.waitForLog((l) => l.msg === 'polling for updates', 15_000);
  return bot;
}

/** The update ids the bot answered (a reply names its message, and message_id = update_id). */
function answered(): number[] {
  return api.sent.flatMap((m) => (m.replyTo === undefined ? [] : [m.replyTo]));
}

/**
 * Hands the bot updates 1..UPDATES, calling `onHandled` with the count handled so far; resolves
 * with the ids of the updates that were handled once the bot stops taking them. Long polling:
 * one batch through the fake Bot API. Webhook: POSTs on keep-alive connections until refused.
 */
async function deliver(bot: Service, onHandled: (count: number) => void): Promise<number[]> {
  if (!WEBHOOK) {
    api.delay('sendMessage', 20); // each update takes a while: the SIGTERM lands mid-batch
    api.push(...Array.from({ length: UPDATES }, (_, i) => textUpdate(i + 1, `hello ${i + 1}`)));
    await api.waitFor(() => answered().length >= SIGTERM_AFTER, 'the first answers', 30_000);
    onHandled(answered().length);
    await exitWithin(bot, 30_000);
    return answered();
  }
  const handled: number[] = [];
  let next = 1;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      const client = new Client(bot.address, { keepAliveTimeout: 60_000 });
      clients.push(client);
      while (next <= UPDATES) {
        const id = next++;
        try {
          if ((await postUpdate(client, id)) !== 200) return; // draining: 503
        } catch {
          return; // the server closed this connection: it is stopping
        }
        handled.push(id);
        onHandled(handled.length);
      }
    }),
  );
  return handled;
}

/** Sends update `id` to the webhook the way Telegram does; resolves with the answer's status once its body is read. */
async function postUpdate(client: Client, id: number): Promise<number> {
  const res = await client.request({
    method: 'POST',
    path: '/telegram',
    headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
    body: JSON.stringify(textUpdate(id, `hello ${id}`)),
    signal: AbortSignal.timeout(15_000),
  });
  await res.body.dump();
  return res.statusCode;
}

beforeAll(async () => {
  upstream = await startFakeUpstream({ slowMs: 2_000 });
});

beforeEach(async () => {
  api = await startFakeBotApi();
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.destroy()));
  await killAll();
  await api.close();
});

afterAll(async () => {
  await upstream.close();
});

describe(`OpenTelemetry (--telemetry otel, ${WEBHOOK ? 'webhook' : 'long polling'})`, () => {
  it('after a SIGTERM mid-load, the collector has the span of every update handled, with its type', async () => {
    const collector = await startFakeCollector();
    try {
      // nothing is exported while running: every span below arrives through the flush after the drain
      const bot = await startBot(botEnv(collector.endpoint, { OTEL_BSP_SCHEDULE_DELAY: '600000', OTEL_METRIC_EXPORT_INTERVAL: '600000', SHUTDOWN_TIMEOUT_MS: '10000' }));
      let signalled = false;
      const handled = await deliver(bot, (count) => {
        if (count >= SIGTERM_AFTER && !signalled) {
          signalled = true;
          bot.child.kill('SIGTERM');
        }
      });
      const exit = await exitWithin(bot, 30_000);
      expect(exit.code, bot.stderr()).toBe(0);
      expect(handled.length).toBeGreaterThanOrEqual(SIGTERM_AFTER);

      const updateSpans = new Map(collector.spans.filter((s) => s.attributes['update.type'] !== undefined).map((s) => [Number(s.attributes['update.id']), s]));
      expect(handled.filter((id) => !updateSpans.has(id))).toEqual([]); // none missing
      for (const id of handled) expect(updateSpans.get(id)?.attributes['update.type']).toBe('message');
      if (WEBHOOK) expect(collector.spans.filter((s) => s.attributes['http.request.method'] === 'POST').length).toBeGreaterThanOrEqual(handled.length);
      expect([...collector.metricNames]).toEqual(expect.arrayContaining(['nodejs.eventloop.delay.max', 'nodejs.eventloop.delay.p99']));
    } finally {
      await collector.close();
    }
  });


  it.each(UNREACHABLE)('an unreachable collector ($label) neither blocks the loop nor holds the exit past the stop budget', async ({ start }) => {
    const down = await start();
    try {
      const bot = await startBot(
        botEnv(down.endpoint, {
          OTEL_BSP_SCHEDULE_DELAY: '100', // exports are attempted while running, too
          OTEL_METRIC_EXPORT_INTERVAL: '500',
          OTEL_EXPORTER_OTLP_TIMEOUT: '600000', // the exporter alone would wait ten minutes
          SHUTDOWN_TIMEOUT_MS: '3000',
        }),
        LOOP_GUARD,
      );
      bot.child.stdin?.write('warm\n');
      if (WEBHOOK) {
        const client = new Client(bot.address);
        clients.push(client);
        for (let id = 1; id <= 20; id += 1) expect(await postUpdate(client, id)).toBe(200);
      } else {
        api.push(...Array.from({ length: 20 }, (_, i) => textUpdate(i + 1, `hello ${i + 1}`)));
        await api.waitFor(() => answered().length === 20, 'an answer to every update', 30_000);
      }
      await within(down.attempted, 30_000, 'an export attempt while running');
      bot.child.kill('SIGTERM');
      // exit 0 means the stop, flush included, ended inside the stop budget: past it the bot exits 1
      const exit = await exitWithin(bot, 30_000);
      expect(exit.code, bot.stderr()).toBe(0);
      expect(bot.logs.some((l) => l.msg === 'closed')).toBe(true);
      assertLoopWithinBudget(loopGuardReport(bot.stderr()), MAX_LOOP_DELAY_MS);
    } finally {
      await down.close();
    }
  });

  it.each([
    ['OTEL_EXPORTER_OTLP_PROTOCOL', 'grpc'],
    ['OTEL_EXPORTER_OTLP_ENDPOINT', 'collector:4318'],
    ['OTEL_SDK_DISABLED', 'maybe'],
  ])('a bad %s stops the start with one line that names it, exit 1', async (name, value) => {
    const bot = await startService(botEnv('http://127.0.0.1:4318', { [name]: value }), { waitForListening: false });
    const exit = await exitWithin(bot, 15_000);
    expect(exit.code).toBe(1);
    const lines = bot.stderr().split('\n').filter((l) => l !== '' && !/DeprecationWarning|--trace-deprecation/.test(l));
    expect(lines).toEqual([expect.stringContaining(name)]);
  });
});
