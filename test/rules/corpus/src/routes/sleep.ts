// R2.1: time.sleep in disguise.
import { performance } from 'node:perf_hooks';

const sab = new Int32Array(new SharedArrayBuffer(4));

export function pause(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until) {} // expect: R2.1
  while (performance.now() < until); // expect: R2.1
  do { /* spin */ } while (Date.now() - until < 0); // expect: R2.1
  for (;;) { // expect: R2.1
    if (Date.now() >= until) break;
  }
  let now = Date.now();
  while (now < until) { now = Date.now(); } // expect: R2.1
  while (new Date().getTime() < until) { continue; } // expect: R2.1
  Atomics.wait(sab, 0, 0, ms); // expect: R2.1
  const { wait } = Atomics;
  wait(sab, 0, 0, ms); // expect: R2.1
}
