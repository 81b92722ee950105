// The composition root (R1.2): signal handlers, process-level handlers and exit codes live here.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import Fastify from 'fastify';
import { buildRoutes } from './routes/files.js';

const app = Fastify();
buildRoutes(app);

async function shutdown(signal: string): Promise<void> {
  app.log.info({ signal }, 'shutting down');
  await app.close();
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    shutdown(signal).catch((err: unknown) => {
      app.log.error(err);
      process.exit(1);
    });
  });
}
process.on('unhandledRejection', (reason) => {
  app.log.error({ reason }, 'unhandled rejection');
  process.exitCode = 1;
});
process.on('SIGHUP', async () => { await shutdown('SIGHUP'); }); // expect: R2.5

// Startup, before serving: sync file work costs nothing here.
writeFileSync('service.pid', String(process.pid)); // clean: pid file before listen
await app.register(async (child) => {
  child.decorate('keys', readFileSync('keys.pem', 'utf8')); // clean: plugin registration before listen
  await Promise.resolve();
});
process.on('exit', () => {
  rmSync('service.pid', { force: true }); // clean: sync cleanup in process.on('exit'); only sync code runs in 'exit'
});

await app.listen({ port: 3000 });
const motd = readFileSync('motd.txt', 'utf8'); // expect: R2.3
app.log.info(motd);
