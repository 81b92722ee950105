// R3.2: hooks that never complete, or complete with an error.
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';

interface Pool { connect(): Promise<{ id: number }>; end(): Promise<void> }

export function registerHooks(app: FastifyInstance, pool: Pool, audit: (msg: string) => void): void {
  async function openPool(): Promise<{ id: number }> {
    const client = await pool.connect();
    return client;
  }
  app.addHook('onReady', openPool); // expect: R3.2
  app.addHook('onRequest', (req: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => { // expect: R3.2
    audit(req.url);
  });
  // @ts-expect-error Fastify's types reject the mix too
  app.addHook('preHandler', async (req: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => { // expect: R3.2
    await pool.connect();
    done();
  });

  // Clean: done called or passed on, async hooks that resolve undefined.
  app.addHook('onRequest', (req, reply, done) => { // clean: done called
    audit(req.url);
    done();
  });
  app.addHook('onSend', (req, reply, payload, next) => { // clean: done passed on
    setImmediate(next);
  });
  app.addHook('onClose', async () => {
    await pool.end();
  });
  async function closePool(): Promise<void> {
    await pool.end();
  }
  app.addHook('preClose', closePool); // clean: named hook resolving undefined
}
