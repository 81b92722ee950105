// R3.2: async application hooks must resolve undefined (Fastify treats a value as an error).
import type { FastifyInstance } from 'fastify';

interface Pool { connect(): Promise<{ id: number }>; end(): Promise<void> }

export function registerResources(app: FastifyInstance, pool: Pool): void {
  app.addHook('onReady', async () => pool.connect()); // expect: R3.2
  app.addHook('preClose', async () => process.stdout.write('closing\n')); // expect: R3.2
  app.addHook('onClose', async () => {
    const client = await pool.connect();
    return client; // expect: R3.2
  });
  app.addHook('onClose', async () => {
    await pool.end();
  });
}
