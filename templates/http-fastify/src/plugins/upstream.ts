import type { FastifyInstance } from 'fastify';
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
export function registerUpstream(app: FastifyInstance, config: Config): void {
  let pool: Pool | undefined;

  app.decorate('upstream', {
    getter(): Pool {
      if (!pool) throw new Error('upstream pool is open only between onReady and onClose (R3.1)');
      return pool;
    },
  });

  // R3.1: opened in onReady, closed in onClose
  app.addHook('onReady', (done) => {
    pool = new Pool(config.upstreamUrl, {
      connections: config.upstreamConnections, // R2.5: bounds the concurrency of fan-outs
      headersTimeout: config.upstreamTimeoutMs, // undici's own defaults are 300 s
      bodyTimeout: config.upstreamTimeoutMs,
    });
    done();
  });

  // R3.2: async app hooks use a block body, so they resolve undefined (P4)
  app.addHook('onClose', async () => {
    await pool?.close();
    pool = undefined;
  });
}
