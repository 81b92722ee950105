import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeBotApi, TEST_TOKEN, type FakeBotApi } from './helpers/fake-bot-api.js';
import { textUpdate } from './helpers/updates.js';

// The lifecycle tests are only as good as the fake's getUpdates semantics: check them directly.

let api: FakeBotApi;

async function getUpdates(params: Record<string, number>, signal?: AbortSignal): Promise<{ status: number; ids: number[] }> {
  const res = await fetch(`${api.url}/bot${TEST_TOKEN}/getUpdates`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(params),
    signal: signal ?? AbortSignal.timeout(10_000),
  });
  const body = (await res.json()) as { result?: { update_id: number }[] };
  return { status: res.status, ids: (body.result ?? []).map((u) => u.update_id) };
}

beforeEach(async () => {
  api = await startFakeBotApi();
});

afterEach(async () => {
  await api.close();
});

describe('fake Bot API getUpdates', () => {
  it('returns unconfirmed updates from the offset on, and forgets those below it', async () => {
    api.push(textUpdate(1, 'a'), textUpdate(2, 'b'), textUpdate(3, 'c'));
    expect((await getUpdates({ offset: 0 })).ids).toEqual([1, 2, 3]);
    expect((await getUpdates({ offset: 0, limit: 2 })).ids).toEqual([1, 2]); // nothing confirmed yet
    expect((await getUpdates({ offset: 3 })).ids).toEqual([3]);
    expect(api.unconfirmed()).toEqual([3]);
    expect((await getUpdates({ offset: 1 })).ids).toEqual([3]); // confirmed updates never come back
    expect(api.getUpdatesCalls.map((c) => c.offset)).toEqual([0, 0, 3, 1]);
  });

  it('long-polls until a push wakes it', async () => {
    const polled = getUpdates({ offset: 0, timeout: 30 });
    await api.waitFor(() => api.pendingPolls() === 1, 'a waiting poll');
    api.push(textUpdate(7, 'x'), textUpdate(8, 'y'));
    expect((await polled).ids).toEqual([7, 8]);
  });

  it('answers an empty list after the timeout', async () => {
    const started = Date.now();
    expect((await getUpdates({ offset: 0, timeout: 1 })).ids).toEqual([]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it('drops a waiting poll whose client aborts', async () => {
    const abort = new AbortController();
    const polled = getUpdates({ offset: 0, timeout: 30 }, abort.signal).catch((err: unknown) => err);
    await api.waitFor(() => api.pendingPolls() === 1, 'a waiting poll');
    abort.abort();
    await api.waitFor(() => api.pendingPolls() === 0, 'the poll to be dropped');
    expect(await polled).toBeInstanceOf(Error);
  });

  it('ends an older waiting poll with 409 when another one arrives (P11)', async () => {
    const older = getUpdates({ offset: 0, timeout: 30 });
    await api.waitFor(() => api.pendingPolls() === 1, 'a waiting poll');
    const newer = getUpdates({ offset: 0, timeout: 0 });
    expect((await older).status).toBe(409);
    expect((await newer).status).toBe(200);
  });
});
