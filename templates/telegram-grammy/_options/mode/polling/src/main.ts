import { createBot, describeStartupError } from './bot.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { createLogger, type Logger } from './logger.js';
import { createPoller } from './polling.js';
import { openResources } from './resources.js';

// R1.2: the only composition root. It reads the config, opens the resources, builds and starts
// the bot, installs the signal handlers, and owns the exit code. Nothing else does.

function readConfig(): Config | undefined {
  try {
    return loadConfig(process.env); // synchronous, but before the first update (R2.3)
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${err.message}\n`); // one line naming the variable, then exit 1
    process.exitCode = 1;
    return undefined;
  }
}

async function run(config: Config, log: Logger): Promise<void> {
  const poller = createPoller(config, log);
  const resources = openResources(config); // R3.1: opened before polling starts...
  const bot = createBot(config, { log, resources: () => resources, gate: poller.gate });

  let shutdown: Promise<void> | undefined;
  let deadline: NodeJS.Timeout | undefined;
  // R4.1: the first SIGTERM/SIGINT starts the graceful stop; a second one, or a stop (resources
  // included) that outlives SHUTDOWN_TIMEOUT_MS, exits 1 at once. Block-bodied listeners: no
  // floating promise (R2.5).
  const stop = (reason: string, exitCode: number): void => {
    if (shutdown) {
      log.error({ reason }, reason === 'fatal error' ? 'fatal error while shutting down, exiting now' : 'second signal, exiting now');
      process.exit(1);
    }
    process.exitCode = exitCode;
    log.info({ reason }, 'shutting down');
    deadline = setTimeout(() => {
      log.error({ timeoutMs: config.shutdownTimeoutMs }, 'shutdown timed out, exiting');
      process.exit(1);
    }, config.shutdownTimeoutMs);
    deadline.unref();
    shutdown = poller.stop();
  };
  process.on('SIGTERM', () => {
    stop('SIGTERM', 0);
  });
  process.on('SIGINT', () => {
    stop('SIGINT', 0);
  });
  // R4.7: an error outside any update is logged, the bot stops gracefully, and the exit code is 1.
  const fatal = (err: unknown): void => {
    log.fatal({ err }, 'fatal error, shutting down');
    stop('fatal error', 1);
  };
  process.on('uncaughtException', fatal);
  process.on('unhandledRejection', fatal);

  try {
    await bot.init(); // fails fast on a wrong token (getMe), before any update is taken
    log.info({ username: bot.botInfo.username }, 'bot authorized');
    await poller.start(bot); // resolves once polling has ended, after stop() or on 401/409 (P11)
  } catch (err) {
    if (!shutdown) {
      log.error({ err }, describeStartupError(err));
      process.exitCode = 1;
    }
  }
  try {
    await shutdown; // the update in progress has finished (R4.3)...
  } catch (err) {
    log.error({ err }, 'shutdown failed'); // e.g. the final offset was not confirmed: those updates come again
    process.exitCode = 1;
  }
  await resources.close(); // ...and only then are the resources released (R3.1)
  clearTimeout(deadline);
  log.info('closed');
  // No process.exit(): with nothing left on the loop, the process exits with process.exitCode (R4.7).
}

const config = readConfig();
if (config) {
  await run(config, createLogger(config.logLevel));
}
