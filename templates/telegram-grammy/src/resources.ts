import { Piscina } from 'piscina';
import { Pool, type Dispatcher } from 'undici';
import type { BotConfig } from './config.js';
import { workerExecArgv } from './startup/worker-exec-argv.js';

/** What the handlers use besides the Bot API; opened once, before the first update (R3.1). */
export interface Resources {
  /** Keep-alive connection pool to UPSTREAM_URL (R2.2): never a client per update. None when it is unset. */
  readonly upstream: Dispatcher | undefined;
  /** Worker-thread pool for CPU-bound work (R2.4): the `run_in_executor` of this bot. */
  readonly cpuPool: Pick<Piscina, 'run'>;
}

export interface OpenResources extends Resources {
  /** Lets running calls and tasks finish, then releases sockets and threads. */
  close(): Promise<void>;
}

// The task file sits next to this one: dist/workers/hash.js after a build, src/workers/hash.ts
// under `tsx` (dev) and vitest. The worker threads' flags: src/startup/worker-exec-argv.ts (P24).
const fromSource = import.meta.url.endsWith('.ts');
export const HASH_WORKER = new URL(`./workers/hash.${fromSource ? 'ts' : 'js'}`, import.meta.url).href;
export const WORKER_EXEC_ARGV = workerExecArgv(import.meta.url);

/** R3.1: called by the composition root before the bot takes updates, closed after it stopped. */
export function openResources(config: BotConfig): OpenResources {
  const upstream =
    config.upstreamUrl === undefined
      ? undefined
      : new Pool(config.upstreamUrl, {
          connections: config.upstreamConnections, // R2.5: bounds the concurrency of outbound calls
          headersTimeout: config.upstreamTimeoutMs, // undici's own defaults are 300 s
          bodyTimeout: config.upstreamTimeoutMs,
        });
  const cpuPool = new Piscina({
    filename: HASH_WORKER,
    minThreads: 1,
    maxThreads: config.cpuPoolThreads,
    execArgv: WORKER_EXEC_ARGV,
  });
  return {
    upstream,
    cpuPool,
    async close() {
      // close() lets running requests and tasks finish (destroy() would cut them)
      await Promise.all([upstream?.close(), cpuPool.close()]);
    },
  };
}
