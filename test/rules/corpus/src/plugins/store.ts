// Uses lib/factory.ts: ensureDir and loadTemplate at registration, slug per request.
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { createStore, loadTemplate } from '../lib/factory.js';

export const banner = loadTemplate('banner.txt');

export default fp(async (app: FastifyInstance) => {
  const store = createStore(app);
  store.ensureDir('/var/data');
  const page = loadTemplate('page.html');
  app.get('/slug', async () => ({ slug: store.slug(), page }));
  await Promise.resolve();
});
