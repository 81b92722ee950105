import { spawnSync } from 'node:child_process';
import type { ServerRecipe } from './private-server.js';

// How test/helpers/private-server.ts runs a Redis server of the test's own: `redis-server` from
// REDIS_SERVER_BIN or PATH, in the foreground, on 127.0.0.1 and the given port.
//
// Persistence is on (an append-only file in the test's data directory, fsynced on every write):
// BullMQ keeps the whole queue in Redis, so a Redis that restarts without it comes back empty and
// every job is gone, whatever the worker does. A Redis that holds a queue in production runs with
// AOF for that reason; the test then proves what is the worker's part: it backs off while the
// server is down, reconnects, and finishes every job.

const BIN = process.env.REDIS_SERVER_BIN ?? 'redis-server';

function skipReason(): string | undefined {
  if (spawnSync(BIN, ['--version']).status === 0) return undefined;
  return process.env.REDIS_SERVER_BIN
    ? `REDIS_SERVER_BIN=${BIN} does not run`
    : 'redis-server is not on PATH (or set REDIS_SERVER_BIN)';
}

export const serverRecipe: ServerRecipe = {
  skipReason: skipReason(),
  // no init step: redis-server creates its files in --dir on the first start
  command: (dir, port) => ({
    file: BIN,
    args: ['--bind', '127.0.0.1', '--port', String(port), '--dir', dir, '--daemonize', 'no', '--logfile', '']
      .concat(['--save', '', '--appendonly', 'yes', '--appendfsync', 'always']),
  }),
  ready: /Ready to accept connections/,
  stopSignal: 'SIGTERM', // redis-server's own shutdown: flushes the append-only file and exits
  url: (port) => `redis://127.0.0.1:${port}`,
};
