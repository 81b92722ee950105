import type { FastifyInstance } from 'fastify';
import { Piscina } from 'piscina';
import type { Config } from '../config.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Worker-thread pool for CPU-bound work (the `run_in_executor` of this service). */
    readonly cpuPool: Piscina;
  }
}

// The task file sits next to this one: dist/workers/hash.js after a build, src/workers/hash.ts
// under `tsx` (dev) and vitest; worker threads do not inherit a TypeScript loader, so give them tsx.
const fromSource = import.meta.url.endsWith('.ts');
const HASH_WORKER = new URL(`../workers/hash.${fromSource ? 'ts' : 'js'}`, import.meta.url).href;

/**
 * R2.4: one piscina pool created at startup and closed at shutdown. CPU-bound or unavoidably
 * blocking work goes here, never on the loop and never in a `new Worker()` per request.
 */
export function registerCpuPool(app: FastifyInstance, config: Config): void {
  let pool: Piscina | undefined;

  app.decorate('cpuPool', {
    getter(): Piscina {
      if (!pool) throw new Error('cpu pool is open only between onReady and onClose (R3.1)');
      return pool;
    },
  });

  // R3.1: opened in onReady, closed in onClose
  app.addHook('onReady', (done) => {
    pool = new Piscina({
      filename: HASH_WORKER,
      minThreads: 1,
      maxThreads: config.cpuPoolThreads,
      ...(fromSource ? { execArgv: ['--import', 'tsx'] } : {}),
    });
    done();
  });

  // R3.2: block body; close() lets running tasks finish (destroy() would abort them)
  app.addHook('onClose', async () => {
    await pool?.close();
    pool = undefined;
  });
}
