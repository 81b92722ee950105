import { Worker } from 'node:worker_threads';
import { Piscina } from 'piscina';

// The pool module: the one place that starts worker threads (R2.4).
export function createPool(): Piscina {
  return new Piscina({ filename: new URL('../workers/hash.js', import.meta.url).href, maxThreads: 4 }); // clean: the pool module starts the pool
}

export function startSidecar(): Worker {
  return new Worker(new URL('../workers/hash.js', import.meta.url)); // clean: the pool module starts a thread
}
