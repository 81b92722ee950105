import closeWithGrace from 'close-with-grace';
import { setTimeout as sleep } from 'node:timers/promises';
import { buildApp } from './app.js';
import { describeStartupError } from './bot.js';
import { ConfigError, loadConfig, type Config } from './config.js';
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

  // R4.1: first SIGTERM/SIGINT starts the graceful stop below; a second one exits 1 at once; the
  // whole stop is bounded by DRAIN_DELAY_MS + SHUTDOWN_TIMEOUT_MS (exit 1 past it).
  // R4.7: uncaughtException/unhandledRejection log, close gracefully (no drain) and exit 1.
  const grace = closeWithGrace(
    {
      delay: config.drainDelayMs + config.shutdownTimeoutMs,
      logger: {
        error: (err: unknown) => {
          app.log.error({ err }, 'shutdown failed');
        },
      },
      onSecondSignal: (signal) => {
        app.log.error({ signal }, 'second signal, exiting now');
      },
      onSecondError: (err) => {
        app.log.error({ err }, 'second fatal error while shutting down, exiting now');
      },
      onTimeout: (delayMs) => {
        app.log.error({ delayMs }, 'shutdown timed out, exiting');
      },
    },
    async ({ signal, err }) => {
      if (err) {
        app.log.error({ err }, 'fatal error, shutting down');
      } else {
        app.log.info({ signal }, 'shutting down');
      }
      app.beginDrain(); // R4.2 (1): /ready -> 503, responses carry Connection: close
      if (signal) {
        await sleep(config.drainDelayMs); // R4.2 (2), P20: endpoints are removed concurrently with SIGTERM
      }
      await app.close(); // R4.2 (3), R3.3: stop accepting, finish in-flight updates, onClose frees resources
      app.log.info('closed'); // (4) close-with-grace exits 0 (1 after a fatal error)
    },
  );

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
