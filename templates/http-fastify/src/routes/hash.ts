import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import type { RouteOptions } from '../app.js';
import { ErrorReply } from '../schemas.js';
import type { HashResult, HashTask } from '../workers/hash.js';
import { Body, Reply } from './hash.schemas.js';

/**
 * POST /hash {"password": "..."} - CPU-bound work done on the piscina pool (R2.4). The handler
 * only awaits the result, so the loop keeps answering other requests meanwhile. The body schema
 * and the server's bodyLimit keep the input (and its synchronous JSON.parse) small. When
 * CPU_QUEUE_MAX tasks already wait for a thread, the answer is 503 with Retry-After at once.
 */
export const hashRoutes: FastifyPluginCallbackTypebox<RouteOptions> = (app, _opts, done) => {
  app.post(
    '/hash',
    // 413: above BODY_LIMIT_BYTES; 503: the CPU queue is full (Retry-After), or event-loop pressure
    { schema: { body: Body, response: { 200: Reply, 400: ErrorReply, 413: ErrorReply, 503: ErrorReply } } },
    async (request) => {
      const task: HashTask = { password: request.body.password };
      return await app.cpuPool.run<HashResult>(task);
    },
  );
  done();
};
