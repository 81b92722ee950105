import type { FastifyPluginCallback } from 'fastify';
import type { RouteOptions } from '../app.js';
import type { HashResult, HashTask } from '../workers/hash.js';

/**
 * POST /hash {"password": "..."} - CPU-bound work done on the piscina pool (R2.4). The handler
 * only awaits the result, so the loop keeps answering other requests meanwhile. The body schema
 * and the server's bodyLimit keep the input (and its synchronous JSON.parse) small. When
 * CPU_QUEUE_MAX tasks already wait for a thread, the answer is 503 with Retry-After at once.
 */
export const hashRoutes: FastifyPluginCallback<RouteOptions> = (app, _opts, done) => {
  app.post<{ Body: HashTask }>(
    '/hash',
    {
      schema: {
        body: {
          type: 'object',
          required: ['password'],
          additionalProperties: false,
          properties: { password: { type: 'string', minLength: 1, maxLength: 1024 } },
        },
      },
    },
    async (request) => {
      const task: HashTask = { password: request.body.password };
      return await app.cpuPool.run<HashResult>(task);
    },
  );
  done();
};
