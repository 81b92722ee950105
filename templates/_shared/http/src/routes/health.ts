import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { Live, NotReady, Ready } from '../schemas.js';

/**
 * Liveness: "the process runs and its loop answers". It never reflects load or shutdown (R3.4):
 * a busy or draining pod must not be restarted by the kubelet. Registered outside the
 * under-pressure scope, so it answers 200 even while the loop is overloaded.
 */
export const liveRoute: FastifyPluginCallbackTypebox = (app, _opts, done) => {
  app.get('/live', { schema: { response: { 200: Live } } }, () => ({ status: 'ok' as const }));
  done();
};

export interface ReadyOptions {
  /** True while work would be refused for lack of capacity (a full CPU queue). */
  saturated?: () => boolean;
}

/**
 * Readiness: "send me traffic". 503 from the first shutdown signal on (R4.2), 503 while the CPU
 * pool's queue is full (its work would be refused anyway), and 503 with Retry-After while
 * @fastify/under-pressure sees event-loop pressure (R3.4), because this route is registered in
 * the same scope as the plugin.
 */
export const readyRoute: FastifyPluginCallbackTypebox<ReadyOptions> = (app, opts, done) => {
  app.get(
    '/ready',
    { schema: { response: { 200: Ready, 503: NotReady } } },
    (_request, reply) => {
      if (app.draining) {
        reply.code(503);
        return { status: 'draining' as const };
      }
      if (opts.saturated?.()) {
        reply.code(503).header('retry-after', '1');
        return { status: 'saturated' as const };
      }
      return { status: 'ready' as const };
    },
  );
  done();
};
