import type { FastifyPluginCallback } from 'fastify';
import type { RouteOptions } from '../app.js';

/**
 * GET /items/:id - a stand-in catalog, so GET /fanout works as generated with no other service:
 * UPSTREAM_URL defaults to this service itself. Point UPSTREAM_URL at your real upstream and
 * delete this file (and its line in ./index.ts).
 */
export const itemsRoutes: FastifyPluginCallback<RouteOptions> = (app, _opts, done) => {
  app.get<{ Params: { id: string } }>(
    '/items/:id',
    { schema: { params: { type: 'object', properties: { id: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' } } } } },
    (request) => ({ id: request.params.id }),
  );
  done();
};
