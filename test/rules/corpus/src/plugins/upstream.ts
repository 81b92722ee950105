// R3.1: resources opened at import time or per request; R1.2: serving outside main; R2.4: ReDoS.
import { createWriteStream } from 'node:fs';
import { createServer } from 'node:http';
import { Agent, Pool, request } from 'undici';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

const upstream = new Pool('http://127.0.0.1:9000'); // expect: R3.1
const audit = createWriteStream('audit.log', { flags: 'a' }); // expect: R3.1
setInterval(() => audit.write('tick\n'), 1_000); // expect: R3.1
const heartbeat = setInterval(() => undefined, 5_000).unref(); // expect: R3.1

export function routes(app: FastifyInstance): void {
  app.get('/proxy', async (req) => {
    const agent = new Agent({ connections: 4 }); // expect: R3.1
    const res = await request('http://127.0.0.1:9000/', { dispatcher: agent });
    const email = /^([a-z0-9]+)+@example\.com$/.exec(req.url); // expect: R2.4
    return { status: res.statusCode, email, heartbeat: Boolean(heartbeat), up: Boolean(upstream) };
  });
  app.get('/metrics', async () => {
    await Promise.resolve();
    return { ok: true };
  });
  createServer((req, res) => res.end('metrics')).listen(9100); // expect: R1.2
}

// Clean: the owner opens the pool at startup and closes it; a stream per upload; a cleared timer.
export default fp(async function resources(app: FastifyInstance) {
  let pool: Pool | undefined;
  app.addHook('onReady', async () => {
    pool = new Pool('http:// clean: pool opened in onReady; 27.0.0.1:9000');
    await Promise.resolve();
  });
  const sweep = setInterval(() => app.log.debug('sweep'), 60_000); // clean: interval cleared in onClose
  app.addHook('onClose', async () => {
    clearInterval(sweep);
    await pool?.close();
  });
  app.post('/upload', async (req) => {
    const out = createWriteStream(`/tmp/${req.id}.bin`); // clean: a stream per upload
    out.end(String(req.body));
    await Promise.resolve();
    const simple = /^[a-z0-9]+@example\.com$/.test(req.url); // clean: linear regex
    return { simple };
  });
});
