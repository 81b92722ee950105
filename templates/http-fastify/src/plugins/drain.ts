import type { FastifyInstance } from 'fastify';

declare module 'fastify' {
  interface FastifyInstance {
    /** True from the moment shutdown starts: /ready answers 503 and responses carry `Connection: close`. */
    readonly draining: boolean;
    /** Called by src/main.ts on SIGTERM/SIGINT, before the drain delay (R4.2 step 1). */
    beginDrain(): void;
  }
}

const REAP_EVERY_MS = 100;

/**
 * Graceful-drain behaviour of the HTTP server (R3.3, R4.2, pitfall P1).
 *
 * Fastify 5 on Node 20 waits for keep-alive sockets to time out (72 s by default) when they become
 * idle after close() started, and a response sent during shutdown still says `keep-alive`. So:
 * - from the first signal on, every response says `Connection: close`: the client finishes its
 *   request, then moves to another instance, and the server closes that socket itself;
 * - once close() starts, idle sockets are reaped every 100 ms, so a client that keeps an idle
 *   connection open cannot hold the exit back. Idle sockets are left alone during the drain delay,
 *   where a request sent on them is still answered (with `Connection: close`).
 */
export function registerDrain(app: FastifyInstance): void {
  let draining = false;
  let reaper: NodeJS.Timeout | undefined;

  app.decorate('draining', {
    getter: () => draining,
  });
  app.decorate('beginDrain', () => {
    draining = true;
  });

  app.addHook('onSend', (_request, reply, payload, done) => {
    if (draining) {
      reply.header('connection', 'close'); // R3.3: tell keep-alive clients to go elsewhere
    }
    done(null, payload);
  });

  app.addHook('preClose', (done) => {
    draining = true;
    app.server.closeIdleConnections();
    reaper = setInterval(() => {
      app.server.closeIdleConnections(); // P1: sockets that went idle after close() started
    }, REAP_EVERY_MS);
    reaper.unref();
    done();
  });

  app.addHook('onClose', (_instance, done) => {
    clearInterval(reaper);
    done();
  });
}
