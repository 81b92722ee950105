// R2.1: busy-waits whatever their body does.
interface Clock { now(): number }
let locked = false;
const lockWord = new Int32Array(new SharedArrayBuffer(4));

export function waitFor(ms: number, clock: Clock, tryLock: () => boolean): number {
  let spins = 0;
  const until = clock.now() + ms;
  while (Date.now() < until) { spins++; } // expect: R2.1
  while (clock.now() < until) { spins += 2; } // expect: R2.1
  for (;;) { // expect: R2.1
    spins++;
    if (performance.now() >= until) return spins;
  }
}

export function acquire(tryLock: () => boolean): void {
  while (!tryLock()) { locked = !locked; } // expect: R2.1
  while (Atomics.compareExchange(lockWord, 0, 0, 1) !== 0) {} // expect: R2.1
  let t = process.hrtime.bigint();
  do { t = process.hrtime.bigint(); } while (t < 10n); // expect: R2.1
}

// Clean: a time-boxed batch (the condition also tests the work), loops that await, a drain.
export async function clean(queue: string[], next: () => Promise<string | undefined>, signal: AbortSignal): Promise<number> {
  const deadline = Date.now() + 5;
  let done = 0;
  while (queue.length > 0 && Date.now() < deadline) { // clean: time-boxed batch
    queue.shift();
    done++;
  }
  while (Date.now() < deadline) { // clean: clock loop that awaits
    await new Promise((resolve) => setImmediate(resolve));
  }
  for (;;) { // clean: for (;;) that awaits
    const job = await next();
    if (!job) break;
    done++;
  }
  while (!signal.aborted) {
    if ((await next()) === undefined) return done;
  }
  for (let i = 0; i < queue.length; i++) done += i; // clean: counting loop
  return done;
}
