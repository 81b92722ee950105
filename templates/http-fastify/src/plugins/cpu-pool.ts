import type { FastifyPluginCallback } from 'fastify';
import fp from 'fastify-plugin';
import { Piscina } from 'piscina';
import { workerExecArgv } from '../startup/worker-exec-argv.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Worker-thread pool for CPU-bound work; open between onReady and onClose. */
    readonly cpuPool: CpuPool;
  }
}

export interface CpuPool {
  /** Runs the task on a worker thread; rejects with CpuPoolFullError when the queue is full. */
  run<Result>(task: unknown): Promise<Result>;
  /** True while the queue is full: /ready answers 503 so the load balancer sends work elsewhere. */
  readonly saturated: boolean;
}

export interface CpuPoolOptions {
  /** file URL of the task module (its default export runs on the threads) */
  filename: string;
  threads: number;
  /** tasks that may wait for a thread; one more is refused with 503 */
  maxQueue: number;
}

/** The queue is full: answered 503 with Retry-After, so the client backs off and tries again. */
export class CpuPoolFullError extends Error {
  override name = 'CpuPoolFullError';
  readonly statusCode = 503;
  readonly headers = { 'retry-after': '1' };
  constructor(maxQueue: number) {
    super(`the CPU pool is busy (${maxQueue} tasks already waiting), retry later`);
  }
}

/**
 * R2.4: one piscina pool for the process, for CPU-bound or unavoidably blocking work: never on the
 * loop and never a `new Worker()` per request. R3.1: created in onReady, closed in onClose.
 * Threads start on first use and stop after a minute idle, so a service that never hashes pays
 * no thread at startup. The queue is bounded: past CPU_QUEUE_MAX waiting tasks, work is refused
 * at once (503) instead of piling up latency that no client waits for.
 */
const cpuPoolPlugin: FastifyPluginCallback<CpuPoolOptions> = (app, opts, done) => {
  let pool: Piscina | undefined;
  const open = (): Piscina => {
    if (!pool) throw new Error('cpu pool is open only between onReady and onClose (R3.1)');
    return pool;
  };

  const cpuPool: CpuPool = {
    run: async <Result>(task: unknown): Promise<Result> => {
      const threads = open();
      if (threads.queueSize >= opts.maxQueue) throw new CpuPoolFullError(opts.maxQueue);
      return (await threads.run(task)) as Result;
    },
    get saturated() {
      return pool !== undefined && pool.queueSize >= opts.maxQueue;
    },
  };
  app.decorate('cpuPool', { getter: () => cpuPool });

  app.addHook('onReady', (next) => {
    pool = new Piscina({
      filename: opts.filename,
      minThreads: 0,
      maxThreads: opts.threads,
      idleTimeout: 60_000,
      maxQueue: opts.maxQueue,
      execArgv: workerExecArgv(import.meta.url), // src/startup/worker-exec-argv.ts (P24)
    });
    next();
  });

  // R3.2: block body; close() lets running tasks finish (destroy() would abort them)
  app.addHook('onClose', async () => {
    await pool?.close();
    pool = undefined;
  });
  done();
};

export const cpuPool = fp(cpuPoolPlugin, { name: 'cpu-pool' });
