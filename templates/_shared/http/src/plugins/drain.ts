import type { FastifyInstance, FastifyPluginCallback } from 'fastify';
import fp from 'fastify-plugin';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

declare module 'fastify' {
  interface FastifyInstance {
    /** True from the moment shutdown starts: /ready answers 503 and responses carry `Connection: close`. */
    readonly draining: boolean;
    /** Called on SIGTERM/SIGINT, before the drain delay (R4.2 step 1). */
    beginDrain(): void;
  }
}

const REAP_EVERY_MS = 100;

// How often Node checks the request and headers timeouts of open connections (its default is
// 30 s, which would let a slow client overstay REQUEST_TIMEOUT_MS by that much).
const TIMEOUT_CHECK_MS = 1_000;

/**
 * Server options that bound slow clients, for Fastify(): Fastify's default requestTimeout of 0
 * switches Node's limit off, so a client that dribbles its body could hold a connection (and a
 * graceful stop) for minutes. Past these limits Node answers 408 and closes the connection.
 */
export function slowClientLimits({ requestTimeoutMs, headersTimeoutMs }: { requestTimeoutMs: number; headersTimeoutMs: number }) {
  return {
    requestTimeout: requestTimeoutMs,
    // also given to http.createServer, which checks headersTimeout <= requestTimeout at creation
    http: { requestTimeout: requestTimeoutMs, headersTimeout: headersTimeoutMs, connectionsCheckingInterval: TIMEOUT_CHECK_MS },
  };
}

/**
 * Graceful-drain behaviour of the HTTP server (R3.3, R4.2).
 *
 * - From the first signal on, every response says `Connection: close`: the client finishes its
 *   request, then moves to another instance, and the server closes that socket itself.
 * - Once close() starts, every connection without a running handler is closed, then again every
 *   100 ms until the server has closed. That covers three kinds of client that would otherwise
 *   hold the exit back: an idle keep-alive connection (Node waits for its keep-alive timeout when
 *   it went idle after close() started), a client still sending its headers, and a client still
 *   sending its body (a slow or malicious uploader: its handler has not started, nothing of it is
 *   lost but the request it never finished sending). Requests whose handler runs always finish.
 * - During the drain delay nothing is closed: a request sent then is still answered.
 */
const drainPlugin: FastifyPluginCallback = (app, _opts, done) => {
  let draining = false;
  let reaper: NodeJS.Timeout | undefined;
  const open = new Set<Socket>();
  // The latest request of each connection. A plain listener of the server, not Fastify hooks:
  // it costs next to nothing per request.
  const latest = new WeakMap<Socket, { req: IncomingMessage; res: ServerResponse }>();

  app.server.on('connection', (socket: Socket) => {
    open.add(socket);
    socket.once('close', () => {
      open.delete(socket);
    });
  });
  app.server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    latest.set(req.socket, { req, res });
  });

  /** Closes every connection on which no handler can be running: idle, or a request not fully received. */
  const closeWaiting = () => {
    for (const socket of open) {
      const current = latest.get(socket);
      const idle = !current || current.res.writableFinished; // no request yet (headers arriving), or answered
      if (idle || !current.req.complete) socket.destroy(); // !complete: its body is still arriving
    }
  };

  app.decorate('draining', {
    getter: () => draining,
  });
  app.decorate('beginDrain', () => {
    draining = true;
  });

  app.addHook('onSend', (_request, reply, payload, next) => {
    if (draining) {
      reply.header('connection', 'close'); // R3.3: tell keep-alive clients to go elsewhere
    }
    next(null, payload);
  });

  app.addHook('preClose', (next) => {
    draining = true;
    closeWaiting();
    reaper = setInterval(closeWaiting, REAP_EVERY_MS);
    reaper.unref();
    next();
  });

  app.addHook('onClose', (_instance, next) => {
    clearInterval(reaper);
    next();
  });
  done();
};

/** Registered with app.register(); fastify-plugin makes its decorators visible to every route. */
export const drain = fp(drainPlugin, { name: 'drain' });

/**
 * The graceful stop of an HTTP service (R4.2): readiness 503 at once, the drain delay so load
 * balancers stop sending (only after a signal, and only once it listened: a fatal error or a stop
 * during startup skips it), then app.close() lets in-flight requests finish and runs onClose.
 */
export async function drainAndClose(app: FastifyInstance, { drainDelayMs, afterSignal }: { drainDelayMs: number; afterSignal: boolean }): Promise<void> {
  app.beginDrain(); // (1) /ready -> 503, responses carry Connection: close
  if (afterSignal && app.server.listening) {
    await sleep(drainDelayMs); // (2) endpoints are removed while the pod still serves
  }
  await app.close(); // (3) stop accepting, finish in-flight work, onClose frees resources
}
