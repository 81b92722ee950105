import type { FastifyPluginCallback } from 'fastify';

/**
 * Liveness: "the process runs and its loop answers". It never reflects load or shutdown (R3.4):
 * a busy or draining pod must not be restarted by the kubelet. Registered outside the
 * under-pressure scope, so it answers 200 even while the loop is overloaded.
 */
export const liveRoute: FastifyPluginCallback = (app, _opts, done) => {
  app.get('/live', () => ({ status: 'ok' }));
  done();
};

/**
 * Readiness: "send me traffic". 503 from the first shutdown signal on (R4.2), and 503 with
 * Retry-After while @fastify/under-pressure sees event-loop pressure (R3.4, P7), because this
 * route is registered in the same scope as the plugin.
 */
export const readyRoute: FastifyPluginCallback = (app, _opts, done) => {
  app.get('/ready', (_request, reply) => {
    if (app.draining) {
      reply.code(503);
      return { status: 'draining' };
    }
    return { status: 'ready' };
  });
  done();
};
