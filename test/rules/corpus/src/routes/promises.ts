// R2.5: promises that nobody awaits, async callbacks where void is expected, pointless awaits.
import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';

async function notify(id: number): Promise<void> {
  await sleep(1);
  if (id < 0) throw new Error('bad id');
}

export async function handle(ids: number[], bus: EventEmitter): Promise<number> {
  notify(1); // expect: R2.5
  void notify(2); // expect: R2.5
  notify(3).then(() => undefined); // expect: R2.5
  setInterval(async () => { await notify(4); }, 1_000); // expect: R2.5, R3.1
  bus.on('job', async (id: number) => { await notify(id); }); // expect: R2.5
  if (notify(5)) return 0; // expect: R2.5
  const n = await 42; // expect: R2.5
  for (const id of ids) {
    await notify(id); // expect: R2.5
  }
  return n;
}

export async function nothingToAwait(): Promise<number> { // expect: R2.5
  return 1;
}
