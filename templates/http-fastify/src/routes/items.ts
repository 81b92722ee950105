import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { RouteOptions } from '../app.js';
import { ErrorReply } from '../schemas.js';

const ItemId = Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' });
const Item = Type.Object({ id: ItemId }, { description: 'the item' });

/**
 * GET /items/:id - a stand-in catalog, so GET /fanout works as generated with no other service:
 * UPSTREAM_URL defaults to this service itself. Point UPSTREAM_URL at your real upstream and
 * delete this file (and its line in ./index.ts).
 */
export const itemsRoutes: FastifyPluginCallbackTypebox<RouteOptions> = (app, _opts, done) => {
  app.get(
    '/items/:id',
    { schema: { params: Type.Object({ id: ItemId }), response: { 200: Item, 400: ErrorReply, 503: ErrorReply } } },
    (request) => ({ id: request.params.id }),
  );
  done();
};
