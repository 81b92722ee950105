import type closeWithGrace from 'close-with-grace';
import type { FastifyInstance } from 'fastify';
import { setTimeout as sleep } from 'node:timers/promises';

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

type GraceOptions = closeWithGrace.Options;
type GraceCallback = closeWithGrace.CloseWithGraceAsyncCallback;

/**
 * The graceful stop that src/main.ts hands to close-with-grace (R4.1, R4.2): its options (the
 * whole stop bounded by drainDelayMs + shutdownTimeoutMs, every outcome logged) and the stop
 * itself. main.ts still installs it, so signal handling stays in the composition root (R1.2).
 * R4.7: after uncaughtException/unhandledRejection the app closes without the drain and exits 1.
 */
export function gracefulStop(
  app: FastifyInstance,
  { drainDelayMs, shutdownTimeoutMs }: { drainDelayMs: number; shutdownTimeoutMs: number },
): { options: GraceOptions; stop: GraceCallback } {
  const options: GraceOptions = {
    delay: drainDelayMs + shutdownTimeoutMs,
    logger: {
      error: (err: unknown) => {
        app.log.error({ err }, 'shutdown failed');
      },
    },
    onSecondSignal: (signal) => {
      app.log.error({ signal }, 'second signal, exiting now'); // R4.1: then exit 1 at once
    },
    onSecondError: (err) => {
      app.log.error({ err }, 'second fatal error while shutting down, exiting now');
    },
    onTimeout: (delayMs) => {
      app.log.error({ delayMs }, 'shutdown timed out, exiting');
    },
  };
  const stop: GraceCallback = async ({ signal, err }) => {
    if (err) {
      app.log.error({ err }, 'fatal error, shutting down');
    } else {
      app.log.info({ signal }, 'shutting down');
    }
    app.beginDrain(); // R4.2 (1): /ready -> 503, responses carry Connection: close
    if (signal) {
      await sleep(drainDelayMs); // R4.2 (2), P20: endpoints are removed concurrently with SIGTERM
    }
    await app.close(); // R4.2 (3), R3.3: stop accepting, finish in-flight work, onClose frees resources
    app.log.info('closed'); // (4) close-with-grace exits 0 (1 after a fatal error)
  };
  return { options, stop };
}
