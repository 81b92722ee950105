import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Client } from 'undici';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeBotApi, TEST_TOKEN, type FakeBotApi } from './helpers/fake-bot-api.js';
import { startFakeUpstream, type FakeUpstream } from './helpers/fake-upstream.js';
import { exitWithin, killAll, PROJECT_ROOT, serviceEnv, startService } from './helpers/service.js';
import { postHead, slowClient, type SlowClient } from './helpers/slow-client.js';
import { textUpdate } from './helpers/updates.js';
import { assertLoopWithinBudget, LOOP_GUARD, loopGuardReport } from './helpers/loop-guard.js';

// Runs the BUILT webhook server as a real process and sends it real signals: the same drain
// contract as any HTTP service (docs/loop-rules.md §5.2, R4.1, R4.2, R4.5), with Telegram played by
// this test (it posts updates) and by the fake Bot API (it receives the replies).

const EXIT_BUDGET_MS = 20_000; // a bound of the test only, for slow shared machines
const MAX_LOOP_DELAY_MS = 500;
const SECRET = 'test-secret-0123456789';

let api: FakeBotApi;
let upstream: FakeUpstream;
const clients: Client[] = [];
const slowClients: SlowClient[] = [];

function botEnv(overrides: Record<string, string> = {}): Record<string, string> {
  return serviceEnv({
    BOT_TOKEN: TEST_TOKEN,
    TELEGRAM_API_ROOT: api.url,
    WEBHOOK_SECRET: SECRET,
    UPSTREAM_URL: upstream.url,
    UPSTREAM_TIMEOUT_MS: '15000',
    WEBHOOK_TIMEOUT_MS: '15000',
    DRAIN_DELAY_MS: '1000',
    SHUTDOWN_TIMEOUT_MS: '8000',
    KEEP_ALIVE_TIMEOUT_MS: '60000',
    ...overrides,
  });
}

/** Telegram's side: POST one update to the webhook on a keep-alive connection. */
async function deliver(client: Client, update: unknown, secret = SECRET) {
  const res = await client.request({
    method: 'POST',
    path: '/telegram',
    headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': secret },
    body: JSON.stringify(update),
    signal: AbortSignal.timeout(15_000),
  });
  await res.body.dump();
  return res.statusCode;
}

async function getOnce(origin: string, path: string): Promise<number> {
  const res = await fetch(`${origin}${path}`, { signal: AbortSignal.timeout(5_000) });
  await res.body?.cancel();
  return res.status;
}

function keepAliveClient(origin: string): Client {
  const client = new Client(origin, { keepAliveTimeout: 60_000, keepAliveMaxTimeout: 60_000 });
  clients.push(client);
  return client;
}

beforeAll(async () => {
  upstream = await startFakeUpstream({ slowMs: 3_000 });
});

beforeEach(async () => {
  api = await startFakeBotApi();
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.destroy()));
  for (const slow of slowClients.splice(0)) slow.destroy();
  await killAll();
  await api.close();
});

afterAll(async () => {
  await upstream.close();
});

describe('graceful shutdown of the built webhook server', () => {
  it('drains on SIGTERM: the update in flight is answered, /ready is 503 meanwhile, exit 0', async () => {
    const service = await startService(botEnv(), { nodeArgs: LOOP_GUARD });
    const telegram = keepAliveClient(service.address);
    expect(await deliver(telegram, textUpdate(501, 'warm up'))).toBe(200);
    expect(await deliver(telegram, textUpdate(502, '/hash on the pool'))).toBe(200);
    service.child.stdin?.write('warm\n'); // ends the loop-guard warm-up

    const inFlight = deliver(telegram, textUpdate(503, '/item slow')); // the upstream takes 3 s
    await upstream.waitForRequest('/items/slow');
    const signalledAt = Date.now();
    service.child.kill('SIGTERM');
    await service.waitForLog((l) => l.msg === 'shutting down');

    expect(await getOnce(service.address, '/ready')).toBe(503);
    expect(await getOnce(service.address, '/live')).toBe(200);

    expect(await inFlight).toBe(200);
    const exit = await exitWithin(service, EXIT_BUDGET_MS);
    expect(exit.code).toBe(0);
    expect(exit.at - signalledAt).toBeLessThan(EXIT_BUDGET_MS);
    expect(api.sent.map((m) => m.replyTo)).toEqual([501, 502, 503]); // each answered, once
    expect(api.sent[2]?.text).toBe('Item slow: {"id":"slow"}');
    expect(api.getUpdatesCalls).toEqual([]); // a webhook process never polls (R4.5)
    assertLoopWithinBudget(loopGuardReport(service.stderr()), MAX_LOOP_DELAY_MS);
  });

  it('a request without the secret gets 401 from the running server', async () => {
    const service = await startService(botEnv());
    expect(await deliver(keepAliveClient(service.address), textUpdate(601, 'hi'), 'not-the-secret-000000')).toBe(401);
    expect(api.sent).toEqual([]);
  });

  it('exits 1 at once on a second signal during the drain', async () => {
    const service = await startService(botEnv({ DRAIN_DELAY_MS: '20000' }));
    service.child.kill('SIGTERM');
    await service.waitForLog((l) => l.msg === 'shutting down');
    service.child.kill('SIGINT');
    const exit = await exitWithin(service, 15_000); // a bound of the test only: the drain takes 20 s
    expect(exit.code).toBe(1);
    expect(service.logs.some((l) => l.msg === 'second signal, exiting now')).toBe(true);
  });
});

describe('hard kill (SIGKILL, out of memory)', () => {
  it('SIGKILL during an update: Telegram got no 200, so it delivers it again and the next instance handles it', async () => {
    const service = await startService(botEnv());
    const inFlight = deliver(keepAliveClient(service.address), textUpdate(801, '/item slow')).catch((err: unknown) => err);
    await upstream.waitForRequest('/items/slow');
    service.child.kill('SIGKILL');
    expect(await inFlight).not.toBe(200); // a failed delivery: Telegram retries it
    expect(api.sent).toEqual([]);

    const next = await startService(botEnv());
    expect(await deliver(keepAliveClient(next.address), textUpdate(801, '/item slow'))).toBe(200);
    expect(api.sent.map((m) => m.replyTo)).toEqual([801]);
  });
});

describe('slow clients', () => {
  it('a request without the secret is refused on its headers: 401 before its body has arrived', async () => {
    const service = await startService(botEnv());
    const stranger = await slowClient(service.address, postHead('/telegram', { 'X-Telegram-Bot-Api-Secret-Token': 'not-the-secret-000000' }));
    slowClients.push(stranger);
    expect(await stranger.closed).toMatch(/^HTTP\/1\.1 401/); // the announced 100 kB never came
    expect(api.sent).toEqual([]);
  });

  it('a delivery still sending its body cannot hold the stop: it is cut when close() starts, exit 0', async () => {
    const service = await startService(
      botEnv({ DRAIN_DELAY_MS: '200', SHUTDOWN_TIMEOUT_MS: '600000', REQUEST_TIMEOUT_MS: '600000', HEADERS_TIMEOUT_MS: '600000' }),
    );
    const slow = await slowClient(service.address, postHead('/telegram', { 'X-Telegram-Bot-Api-Secret-Token': SECRET }));
    slowClients.push(slow);
    expect(await getOnce(service.address, '/live')).toBe(200);
    service.child.kill('SIGTERM');
    const exit = await exitWithin(service, 25_000); // bound of the test only; the stop would take 600 s
    expect(exit.code).toBe(0);
    expect(await slow.closed).not.toMatch(/^HTTP\/1\.1 2/); // never handled: Telegram delivers it again
    expect(api.sent).toEqual([]);
  });
});

describe('startup', () => {
  it('SIGTERM while getMe hangs aborts the startup: exit 0, not after SHUTDOWN_TIMEOUT_MS', async () => {
    api.hang('getMe'); // a Bot API that accepts the connection and never answers
    const service = await startService(botEnv({ SHUTDOWN_TIMEOUT_MS: '600000' }), { waitForListening: false });
    await api.waitFor(() => api.calls.includes('getMe'), 'getMe');
    service.child.kill('SIGTERM');
    const exit = await exitWithin(service, 25_000); // bound of the test only; the timeout is 600 s
    expect(exit.code).toBe(0);
    expect(service.logs.some((l) => l.msg === 'shutting down')).toBe(true);
    expect(service.logs.some((l) => l.msg.startsWith('Server listening'))).toBe(false);
  });

  it('a token Telegram rejects fails listen() with a clear message, exit 1', async () => {
    const service = await startService(botEnv({ BOT_TOKEN: '999:WRONG-token' }), { waitForListening: false });
    const exit = await exitWithin(service, EXIT_BUDGET_MS);
    expect(exit.code).toBe(1);
    expect(service.logs.some((l) => l.msg.startsWith('Telegram rejected BOT_TOKEN (401'))).toBe(true);
    expect(JSON.stringify(service.logs)).not.toContain('WRONG-token');
  });

  it.each([
    ['WEBHOOK_SECRET', undefined],
    ['WEBHOOK_SECRET', 'short'],
    ['WEBHOOK_PATH', 'telegram'],
    ['BOT_TOKEN', undefined],
  ])('%s=%j: exit 1 with one line naming the variable', async (name, value) => {
    const env = botEnv();
    if (value === undefined) delete env[name];
    else env[name] = value;
    const service = await startService(env, { waitForListening: false });
    const exit = await exitWithin(service, EXIT_BUDGET_MS);
    expect(exit.code).toBe(1);
    // Node 22 prints its own DEP0040 warning when a dependency of grammY loads `punycode`: that is
    // Node's line, not ours, and a newer Node does not print it
    const lines = service.stderr().trim().split('\n').filter((line) => !/^\(node:\d+\) \[DEP\d+\]|^\(Use `node --trace-deprecation/.test(line));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(name);
  });
});

describe('npm run webhook:set', () => {
  const setWebhook = (env: Record<string, string>) =>
    promisify(execFile)(process.execPath, ['dist/set-webhook.js'], { cwd: PROJECT_ROOT, env: { PATH: process.env.PATH ?? '', ...env }, timeout: 15_000 });

  it('registers <WEBHOOK_PUBLIC_URL><WEBHOOK_PATH> with the secret token', async () => {
    const { stdout } = await setWebhook(botEnv({ WEBHOOK_PUBLIC_URL: 'https://bot.example.com' }));
    expect(stdout).toContain('webhook set to https://bot.example.com/telegram');
    expect(api.webhook).toEqual({ url: 'https://bot.example.com/telegram', secretToken: SECRET });
  });

  it('needs WEBHOOK_PUBLIC_URL', async () => {
    const failed = await setWebhook(botEnv()).catch((err: unknown) => err as { code: number; stderr: string });
    expect(failed).toMatchObject({ code: 1 });
    expect((failed as { stderr: string }).stderr).toContain('WEBHOOK_PUBLIC_URL');
    expect(api.webhook).toBeUndefined();
  });
});
