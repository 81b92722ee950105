import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import type { RouteOptions } from '../app.js';
import { ErrorReply } from '../schemas.js';
import { Item, Params } from './items.schemas.js';

/**
 * GET /items/:id - a stand-in catalog, so GET /fanout works as generated with no other service:
 * UPSTREAM_URL defaults to this service itself. Point UPSTREAM_URL at your real upstream and
 * delete this file (and its line in ./index.ts).
 */
export const itemsRoutes: FastifyPluginCallbackTypebox<RouteOptions> = (app, _opts, done) => {
  app.get(
    '/items/:id',
    { schema: { params: Params, response: { 200: Item, 400: ErrorReply, 503: ErrorReply } } },
    (request) => ({ id: request.params.id }),
  );
  done();
};
