import type { FastifyPluginCallback } from 'fastify';
import fp from 'fastify-plugin';
import { Pool } from 'undici';
import type { Config } from '../config.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Keep-alive connection pool to UPSTREAM_URL; open between onReady and onClose. */
    readonly upstream: Pool;
  }
}

/**
 * One outbound HTTP pool for the whole process (R2.2, R3.1): opened in onReady, closed in onClose
 * (which runs after in-flight requests finished), never created per request.
 */
const upstreamPlugin: FastifyPluginCallback<{ config: Config }> = (app, { config }, done) => {
  let pool: Pool | undefined;

  app.decorate('upstream', {
    getter(): Pool {
      if (!pool) throw new Error('upstream pool is open only between onReady and onClose (R3.1)');
      return pool;
    },
  });

  app.addHook('onReady', (next) => {
    pool = new Pool(config.upstreamUrl, {
      connections: config.upstreamConnections, // R2.5: bounds the concurrency of fan-outs
      headersTimeout: config.upstreamTimeoutMs, // undici's own defaults are 300 s
      bodyTimeout: config.upstreamTimeoutMs,
    });
    next();
  });

  // R3.2: async app hooks use a block body, so they resolve undefined
  app.addHook('onClose', async () => {
    await pool?.close();
    pool = undefined;
  });
  done();
};

export const upstream = fp(upstreamPlugin, { name: 'upstream' });
