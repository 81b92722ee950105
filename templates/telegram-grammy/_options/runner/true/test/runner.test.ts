import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeBotApi, TEST_TOKEN, type FakeBotApi } from './helpers/fake-bot-api.js';
import { startFakeUpstream, type FakeUpstream } from './helpers/fake-upstream.js';
import { exitWithin, killAll, serviceEnv, startService } from './helpers/service.js';
import { textUpdate } from './helpers/updates.js';

// @grammyjs/runner (R4.4, P10): its stop() resolves while handlers still run. The bot must drain
// them before it exits, and confirm what it handled, so the next instance repeats nothing.

const EXIT_BUDGET_MS = 20_000; // a bound of the test only, for slow shared machines
const K = 3;

let api: FakeBotApi;
let upstream: FakeUpstream;

beforeAll(async () => {
  upstream = await startFakeUpstream({ slowMs: 2_000 });
});

beforeEach(async () => {
  api = await startFakeBotApi();
});

afterEach(async () => {
  await killAll();
  await api.close();
});

afterAll(async () => {
  await upstream.close();
});

async function startBot() {
  const bot = await startService(
    serviceEnv({
      BOT_TOKEN: TEST_TOKEN,
      TELEGRAM_API_ROOT: api.url,
      UPSTREAM_URL: upstream.url,
      UPSTREAM_TIMEOUT_MS: '15000',
      SHUTDOWN_TIMEOUT_MS: '10000',
      // K = concurrency: the runner has no getUpdates in flight that would confirm the batch for us
      RUNNER_CONCURRENCY: String(K),
    }),
    { waitForListening: false },
  );
  await bot.waitForLog((l) => l.msg === 'polling for updates', 15_000);
  await api.waitFor(() => api.pendingPolls() === 1, 'a waiting long poll');
  return bot;
}

describe('graceful stop with the runner', () => {
  it(`SIGTERM with ${K} handlers in flight: all ${K} replies arrive before exit, exit 0, none repeated`, async () => {
    const first = await startBot();
    // K handlers that finish at different times: each reply is answered 1.5 s late, and the /item
    // call waits 2 s for the upstream first. The runner's own stop() would return after the first.
    api.delay('sendMessage', 1_500);
    const ids = [401, 402, 403];
    api.push(textUpdate(401, '/item slow'), textUpdate(402, 'quick'), textUpdate(403, '/hash cpu'));
    await upstream.waitForRequest('/items/slow');
    await api.waitFor(() => api.sent.filter((m) => m.replyTo === 402).length === 1, 'the echo reply in flight');
    expect(api.sent.every((m) => m.answeredAt === undefined)).toBe(true); // all K still in flight
    first.child.kill('SIGTERM');

    const exit = await exitWithin(first, EXIT_BUDGET_MS);
    expect(exit.code).toBe(0);
    const replies = api.sent.filter((m) => m.replyTo !== undefined && ids.includes(m.replyTo));
    expect(replies.map((m) => m.replyTo).sort()).toEqual(ids);
    // Drained before the resources were closed (R3.1), not just before the process happened to end.
    const closed = first.logs.find((l) => l.msg === 'closed');
    expect(closed).toBeDefined();
    expect(Math.max(...replies.map((m) => m.answeredAt ?? Infinity))).toBeLessThanOrEqual(Number(closed?.time));
    expect(api.unconfirmed()).toEqual([]); // confirmed after the drain: nothing comes again

    const second = await startBot(); // gets nothing to repeat
    second.child.kill('SIGTERM');
    expect((await exitWithin(second, EXIT_BUDGET_MS)).code).toBe(0);
    expect(api.sent.filter((m) => m.replyTo !== undefined && ids.includes(m.replyTo))).toHaveLength(K);
  });
});
