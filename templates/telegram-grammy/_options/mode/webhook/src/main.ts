import closeWithGrace from 'close-with-grace';
import { buildApp } from './app.js';
import { describeStartupError } from './bot.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { gracefulStop } from './plugins/drain.js';
import { createLogger } from './logger.js';

// R1.2: the only composition root. It reads the config, builds the webhook server, installs the
// signal handlers (through close-with-grace), listens, and owns the exit code. Nothing else does.
// The shutdown is the http-fastify template's, step for step. The bot never polls here (R4.5):
// registering the webhook is `npm run webhook:set`, a separate step, not a side effect of a boot.

function readConfig(): Config | undefined {
  try {
    return loadConfig(process.env); // synchronous, but before serving (R2.3)
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${err.message}\n`); // one line naming the variable, then exit 1
    process.exitCode = 1;
    return undefined;
  }
}

async function start(config: Config): Promise<void> {
  const log = createLogger(config.logLevel);
  const app = await buildApp(config, log);

  // R4.1: the first SIGTERM/SIGINT starts the graceful stop (readiness 503, drain, close); a
  // second one, or a stop longer than DRAIN_DELAY_MS + SHUTDOWN_TIMEOUT_MS, exits 1. R4.7: an
  // uncaught error closes without the drain and exits 1. The steps are in src/plugins/drain.ts.
  const { options, stop } = gracefulStop(app, config);
  const grace = closeWithGrace(options, stop);

  try {
    await app.listen({ host: config.host, port: config.port });
  } catch (err) {
    grace.uninstall();
    app.log.error({ err }, describeStartupError(err));
    await app.close();
    process.exitCode = 1;
  }
}

const config = readConfig();
if (config) {
  await start(config);
}
