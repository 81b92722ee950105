import type { FastifyInstance, FastifyPluginCallback } from 'fastify';
import fp from 'fastify-plugin';
import type { AddressInfo } from 'node:net';
import type { Dispatcher, Pool } from 'undici';
import type { Config } from '../config.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Keep-alive connection pool to UPSTREAM_URL; usable between onReady and onClose. */
    readonly upstream: Upstream;
  }
}

/** The part of undici's Pool the routes use: one request, bounded by the caller's signal. */
export interface Upstream {
  request(options: Dispatcher.RequestOptions): Promise<Dispatcher.ResponseData>;
}

/**
 * One outbound HTTP pool for the whole process (R2.2, R3.1): usable from onReady on, closed in
 * onClose (which runs after in-flight requests finished), never created per request.
 *
 * The pool opens no connection before the first request anyway, so it is also created then,
 * together with the loading of undici: importing undici costs about 100 ms and 10 MB before the
 * first answer, for a client that many instances never use. onClose closes it if it was made.
 * Without UPSTREAM_URL the upstream is this service itself, at the address it listens on.
 */
const upstreamPlugin: FastifyPluginCallback<{ config: Config }> = (app, { config }, done) => {
  let state: 'before onReady' | 'open' | 'closed' = 'before onReady';
  let pool: Promise<Pool> | undefined;

  const open = (): Promise<Pool> => {
    if (pool) return pool;
    const origin = config.upstreamUrl ?? ownOrigin(app);
    pool = import('undici').then(
      ({ Pool }) =>
        new Pool(origin, {
          connections: config.upstreamConnections, // R2.5: bounds the concurrency of fan-outs
          headersTimeout: config.upstreamTimeoutMs, // undici's own defaults are 300 s
          bodyTimeout: config.upstreamTimeoutMs,
        }),
    );
    return pool;
  };

  const upstream: Upstream = {
    request: async (options) => {
      if (state !== 'open') throw new Error('upstream pool is open only between onReady and onClose (R3.1)');
      return (await open()).request(options);
    },
  };
  app.decorate('upstream', { getter: () => upstream });

  app.addHook('onReady', (next) => {
    state = 'open';
    next();
  });

  // R3.2: async app hooks use a block body, so they resolve undefined
  app.addHook('onClose', async () => {
    state = 'closed';
    await pool?.then(async (opened) => {
      await opened.close();
    });
    pool = undefined;
  });
  done();
};

/** http://<address>:<port> of this service's listener (loopback when it listens on every interface). */
function ownOrigin(app: FastifyInstance): string {
  const address = app.server.address() as AddressInfo | null;
  if (!address) throw new Error('UPSTREAM_URL is unset and the service is not listening: set UPSTREAM_URL');
  const host = ['0.0.0.0', '::'].includes(address.address) ? '127.0.0.1' : address.address;
  return `http://${address.family === 'IPv6' && host !== '127.0.0.1' ? `[${host}]` : host}:${address.port}`;
}

export const upstream = fp(upstreamPlugin, { name: 'upstream' });
