import { afterEach, describe, expect, it } from 'vitest';
import { exitWithin, killAll, serviceEnv, startService } from './helpers/service.js';

// Every example route works as generated, with no other service to start: the built service,
// with nothing but a port, answers each one (point UPSTREAM_URL at a real upstream later).

afterEach(async () => {
  await killAll();
});

describe('example routes as generated', () => {
  it('/fanout calls this service itself when UPSTREAM_URL is unset, on whatever port it got', async () => {
    const env = serviceEnv({ DRAIN_DELAY_MS: '0' }); // PORT=0: the port is known only once listening
    expect(env.UPSTREAM_URL).toBeUndefined();
    const service = await startService(env);
    const call = (path: string, init?: RequestInit) => fetch(`${service.address}${path}`, { ...init, signal: AbortSignal.timeout(15_000) });

    const fanout = await call('/fanout?ids=a,b');
    expect(fanout.status).toBe(200);
    expect(await fanout.json()).toEqual({ items: [{ id: 'a' }, { id: 'b' }] });

    const hash = await call('/hash', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ password: 'example' }) });
    expect(hash.status).toBe(200);

    service.child.kill('SIGTERM');
    expect((await exitWithin(service, 15_000)).code).toBe(0);
  });
});
