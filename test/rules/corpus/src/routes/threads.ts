// R2.4: worker threads per call instead of the pool created at startup.
import { Worker } from 'node:worker_threads';
import * as threads from 'node:worker_threads';
import { Piscina } from 'piscina';

export async function perRequest(data: number): Promise<unknown> {
  const w = new Worker('./task.js', { workerData: data }); // expect: R2.4
  const w2 = new threads.Worker('./task.js'); // expect: R2.4
  const pool = new Piscina({ filename: './task.js' }); // expect: R2.4
  await w.terminate();
  await w2.terminate();
  return pool.run(data);
}
