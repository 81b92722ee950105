import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeBotApi, TEST_TOKEN, type FakeBotApi } from './helpers/fake-bot-api.js';
import { startFakeUpstream, type FakeUpstream } from './helpers/fake-upstream.js';
import { exitWithin, killAll, serviceEnv, startService, type Service } from './helpers/service.js';
import { textUpdate } from './helpers/updates.js';
import { assertLoopWithinBudget, LOOP_GUARD, loopGuardReport } from './helpers/loop-guard.js';

// Runs the BUILT bot as a real process against a fake Bot API on 127.0.0.1 and sends it real
// signals (docs/loop-rules.md §5.4, R4.1, R4.3). Timing bounds are generous: shared 2-core machines.

const EXIT_BUDGET_MS = 20_000; // a bound of the test only, for slow shared machines
const MAX_LOOP_DELAY_MS = 500; // loop-guard bound after warm-up (§5.1); a real block is far above

let api: FakeBotApi;
let upstream: FakeUpstream;

function botEnv(overrides: Record<string, string> = {}): Record<string, string> {
  return serviceEnv({
    BOT_TOKEN: TEST_TOKEN,
    TELEGRAM_API_ROOT: api.url, // P15: no trailing slash
    UPSTREAM_URL: upstream.url,
    UPSTREAM_TIMEOUT_MS: '15000',
    SHUTDOWN_TIMEOUT_MS: '10000',
    ...overrides,
  });
}

/** Starts `node dist/main.js` and waits until it polls for updates. */
async function startBot(env: Record<string, string>, nodeArgs: string[] = []): Promise<{ bot: Service; concurrent: boolean }> {
  const bot = await startService(env, { nodeArgs, waitForListening: false }); // a polling bot listens on no port
  const line = await bot.waitForLog((l) => l.msg === 'polling for updates', 15_000);
  await api.waitFor(() => api.pendingPolls() === 1, 'a waiting long poll');
  return { bot, concurrent: line.concurrency !== undefined }; // the runner logs its concurrency
}

/** How many replies each update got (replies name their message, and message_id = update_id). */
function answers(): Map<number, number> {
  const counts = new Map<number, number>();
  for (const { replyTo } of api.sent) if (replyTo !== undefined) counts.set(replyTo, (counts.get(replyTo) ?? 0) + 1);
  return counts;
}

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

describe('graceful stop of the built bot (R4.3)', () => {
  it('SIGTERM mid-update: it finishes, the rest of the batch goes to the next instance, every update answered once', async () => {
    const { bot: first, concurrent } = await startBot(botEnv(), LOOP_GUARD);
    first.child.stdin?.write('warm\n'); // ends the loop-guard warm-up

    // One batch: a slow update first (it awaits a 2 s upstream call), then quick ones.
    const ids = [101, 102, 103, 104];
    api.push(textUpdate(101, '/item slow'), textUpdate(102, 'one'), textUpdate(103, '/hash two'), textUpdate(104, 'three'));
    await upstream.waitForRequest('/items/slow');
    const signalledAt = Date.now();
    first.child.kill('SIGTERM');

    const exit = await exitWithin(first, EXIT_BUDGET_MS);
    expect(exit.code).toBe(0);
    expect(exit.at - signalledAt).toBeLessThan(EXIT_BUDGET_MS);
    const closed = first.logs.find((l) => l.msg === 'closed');
    expect(closed).toBeDefined();

    // The update in progress was finished, not lost (P9: it was already confirmed by stop()).
    const byFirst = [...answers().keys()];
    expect(byFirst).toContain(101);
    const inFlight = api.sent.find((m) => m.replyTo === 101);
    expect(inFlight?.text).toBe('Item slow: {"id":"slow"}');
    expect(inFlight?.at).toBeLessThanOrEqual(Number(closed?.time)); // finished before resources closed (R3.1)
    if (!concurrent) expect(byFirst).toEqual([101]); // sequential: the rest of the batch was skipped
    // The offsets the first instance confirmed prove it: everything it answered, nothing else.
    const confirmed = Math.max(...api.getUpdatesCalls.map((c) => c.offset));
    expect(confirmed).toBe(Math.max(...byFirst) + 1);
    expect(api.unconfirmed()).toEqual(ids.filter((id) => !byFirst.includes(id)));

    const { bot: second } = await startBot(botEnv());
    await api.waitFor(() => ids.every((id) => answers().has(id)), 'an answer to every update');
    second.child.kill('SIGTERM');
    expect((await exitWithin(second, EXIT_BUDGET_MS)).code).toBe(0);

    expect(Object.fromEntries(answers())).toEqual({ 101: 1, 102: 1, 103: 1, 104: 1 }); // exactly once
    expect(api.unconfirmed()).toEqual([]);
    assertLoopWithinBudget(loopGuardReport(first.stderr()), MAX_LOOP_DELAY_MS); // R1/R2: nothing blocked the loop
  });

  it('SIGTERM while idle: the long poll is aborted, exit 0 at once (not after POLL_TIMEOUT_S)', async () => {
    const { bot } = await startBot(botEnv({ POLL_TIMEOUT_S: '50', SHUTDOWN_TIMEOUT_MS: '600000' }));
    bot.child.kill('SIGTERM');
    const exit = await exitWithin(bot, 25_000); // a bound of the test only: the poll would wait 50 s
    expect(exit.code).toBe(0);
    expect(api.pendingPolls()).toBe(0);
  });

  it('a second signal exits 1 at once', async () => {
    // The update never finishes and the stop would wait 600 s: only the second signal can end it.
    const { bot } = await startBot(botEnv({ UPSTREAM_TIMEOUT_MS: '600000', SHUTDOWN_TIMEOUT_MS: '600000' }));
    api.push(textUpdate(201, '/item hang'));
    await upstream.waitForRequest('/items/hang');
    bot.child.kill('SIGTERM');
    await bot.waitForLog((l) => l.msg === 'shutting down');
    bot.child.kill('SIGINT');
    const exit = await exitWithin(bot, 25_000);
    expect(exit.code, `exit by signal ${String(exit.signal)}; stderr: ${bot.stderr()}`).toBe(1);
    expect(bot.logs.some((l) => l.msg === 'second signal, exiting now')).toBe(true);
    expect(api.sent).toEqual([]); // the update never finished
  });

  it('exits 1 when the update in progress outlives SHUTDOWN_TIMEOUT_MS', async () => {
    const { bot } = await startBot(botEnv({ SHUTDOWN_TIMEOUT_MS: '500' }));
    api.push(textUpdate(301, '/item hang')); // the upstream never answers
    await upstream.waitForRequest('/items/hang');
    const signalledAt = Date.now();
    bot.child.kill('SIGTERM');
    const exit = await exitWithin(bot, EXIT_BUDGET_MS);
    expect(exit.code).toBe(1);
    expect(exit.at - signalledAt).toBeGreaterThanOrEqual(450);
    expect(bot.logs.some((l) => l.msg === 'shutdown timed out, exiting')).toBe(true);
  });
});

describe('hard kill (SIGKILL, out of memory)', () => {
  it('SIGKILL mid-batch loses nothing: the next instance answers every update at least once', async () => {
    // With the runner (concurrency 3): the slow update 701 still runs while later ones finish and
    // more are fetched. That fetch is where a source that confirms early would give 701 up.
    const { bot: first, concurrent } = await startBot(botEnv({ RUNNER_CONCURRENCY: '3' }));
    api.delay('sendMessage', 200); // handlers stay in flight long enough to be killed mid-way
    const ids = Array.from({ length: 15 }, (_, i) => 701 + i);
    api.push(textUpdate(701, '/item slow'), ...ids.slice(1).map((id) => textUpdate(id, `message ${id}`)));
    await upstream.waitForRequest('/items/slow');
    const finished = () => api.sent.filter((m) => m.answeredAt !== undefined).length;
    await api.waitFor(() => finished() >= 5 && (!concurrent || api.getUpdatesCalls.length >= 2), 'replies and a later fetch', 20_000);
    first.child.kill('SIGKILL');
    expect((await exitWithin(first, EXIT_BUDGET_MS)).signal).toBe('SIGKILL');

    api.delay('sendMessage', 0);
    const { bot: second } = await startBot(botEnv());
    await api.waitFor(() => ids.every((id) => answers().has(id)), 'every update answered', 20_000);
    second.child.kill('SIGTERM');
    expect((await exitWithin(second, EXIT_BUDGET_MS)).code).toBe(0);
    expect(api.unconfirmed()).toEqual([]); // and the second instance confirmed them all
  });
});

describe('startup', () => {
  it('SIGTERM while getMe hangs aborts the startup: exit 0, not after SHUTDOWN_TIMEOUT_MS', async () => {
    api.hang('getMe'); // a Bot API that accepts the connection and never answers
    const bot = await startService(botEnv({ SHUTDOWN_TIMEOUT_MS: '600000' }), { waitForListening: false });
    await api.waitFor(() => api.calls.includes('getMe'), 'getMe');
    bot.child.kill('SIGTERM');
    const exit = await exitWithin(bot, 25_000); // bound of the test only; the timeout is 600 s
    expect(exit.code).toBe(0);
    expect(bot.logs.some((l) => l.msg === 'shutting down')).toBe(true);
    expect(api.getUpdatesCalls).toEqual([]); // it never started polling
  });

  it('a token Telegram rejects stops the bot with a clear message before it polls', async () => {
    const bot = await startService(botEnv({ BOT_TOKEN: '999:WRONG-token' }), { waitForListening: false });
    const exit = await exitWithin(bot, EXIT_BUDGET_MS);
    expect(exit.code).toBe(1);
    expect(bot.logs.some((l) => l.msg.startsWith('Telegram rejected BOT_TOKEN (401'))).toBe(true);
    expect(api.getUpdatesCalls).toEqual([]);
    expect(JSON.stringify(bot.logs)).not.toContain('WRONG-token'); // the token is never logged
  });

  it('a second poller with the same token gets the first one a 409: it exits 1 and says why (P11)', async () => {
    const { bot: first } = await startBot(botEnv());
    const second = await startService(botEnv(), { waitForListening: false });
    const exit = await exitWithin(first, EXIT_BUDGET_MS);
    expect(exit.code).toBe(1);
    expect(first.logs.some((l) => l.msg.startsWith('another instance is using this bot (409'))).toBe(true);
    second.child.kill('SIGTERM');
    expect((await exitWithin(second, EXIT_BUDGET_MS)).code).toBe(0);
  });

  it.each([
    ['BOT_TOKEN', undefined],
    ['BOT_TOKEN', 'https://api.telegram.org/bot123:abc'],
    ['TELEGRAM_API_ROOT', 'https://api.telegram.org/'],
    ['POLL_TIMEOUT_S', 'soon'],
  ])('%s=%j: exit 1 with one line naming the variable', async (name, value) => {
    const env = botEnv();
    if (value === undefined) delete env[name];
    else env[name] = value;
    const bot = await startService(env, { waitForListening: false });
    const exit = await exitWithin(bot, EXIT_BUDGET_MS);
    expect(exit.code).toBe(1);
    // Node 22 prints its own DEP0040 warning when a dependency of grammY loads `punycode`: that is
    // Node's line, not ours, and a newer Node does not print it
    const lines = bot.stderr().trim().split('\n').filter((line) => !/^\(node:\d+\) \[DEP\d+\]|^\(Use `node --trace-deprecation/.test(line));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(name);
    expect(api.calls).toEqual([]); // not a single Bot API call
  });
});
