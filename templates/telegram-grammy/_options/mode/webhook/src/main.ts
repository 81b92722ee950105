import './startup/compile-cache.js'; // first: the modules below load from the compile cache
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import { describeStartupError } from './bot.js';
import { loadConfig, type Config } from './config.js';
import { createLogger } from './logger.js';
import { drainAndClose } from './plugins/drain.js';
import { readConfig } from './startup/env.js';
import { installStop } from './startup/stop.js';

// R1.2: the only composition root. It reads the config, installs the stop (signal handlers),
// builds the webhook server, listens, and owns the exit code. Nothing else does. The bot never
// polls here (R4.5): registering the webhook is `npm run webhook:set`, a separate step, not a
// side effect of a boot.

async function start(config: Config): Promise<void> {
  const log = createLogger(config.logLevel);
  let app: FastifyInstance | undefined;

  // R4.1: installed before the first await, so a signal during startup is not lost: it aborts the
  // startup's Bot API call (getMe) at once. The first SIGTERM/SIGINT starts the graceful stop
  // (readiness 503, drain, close); a second one, or a stop longer than DRAIN_DELAY_MS +
  // SHUTDOWN_TIMEOUT_MS, exits 1. R4.7: an uncaught error closes without the drain delay and exits 1.
  const stop = installStop({
    log,
    budgetMs: config.drainDelayMs + config.shutdownTimeoutMs,
    onStop: async ({ signal }) => {
      await startup.catch(() => undefined); // aborted by stop.signal: ends at once
      if (app) await drainAndClose(app, { drainDelayMs: config.drainDelayMs, afterSignal: signal !== undefined });
    },
  });

  const startup = (async () => {
    app = await buildApp(config, log, { startupSignal: stop.signal });
    await app.listen({ host: config.host, port: config.port });
  })();
  await stop.awaitStartup(startup, async (err) => {
    log.error({ err }, describeStartupError(err));
    await app?.close();
  });
}

const config = readConfig(loadConfig); // synchronous, but before serving (R2.3)
if (config) {
  await start(config);
}
