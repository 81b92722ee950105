import './startup/compile-cache.js'; // first: the modules below load from the compile cache
import { createBot, describeStartupError } from './bot.js';
import { loadConfig, type Config } from './config.js';
import { createLogger, type Logger } from './logger.js';
import { createPoller } from './polling.js';
import { openResources, type OpenResources } from './resources.js';
import { readConfig } from './startup/env.js';
import { installStop } from './startup/stop.js';

// R1.2: the only composition root. It reads the config, installs the stop (signal handlers),
// opens the resources, builds and starts the bot, and owns the exit code. Nothing else does.

/** grammY types its signals with the abort-controller polyfill; Node's AbortSignal is the same at runtime. */
type GrammySignal = Parameters<ReturnType<typeof createBot>['init']>[0];

async function run(config: Config, log: Logger): Promise<void> {
  const poller = createPoller(config, log);
  let resources: OpenResources | undefined;

  // R4.1: installed before the first await, so a signal during startup is not lost: it aborts the
  // startup's Bot API call (getMe) at once. The first SIGTERM/SIGINT stops taking updates, lets
  // the one in progress finish and confirms it (R4.3); a second one, or a stop (resources
  // included) that outlives SHUTDOWN_TIMEOUT_MS, exits 1. R4.7: an uncaught error stops the same
  // way and exits 1.
  const stop = installStop({
    log,
    budgetMs: config.shutdownTimeoutMs,
    onStop: async () => {
      await poller.stop(); // the update in progress has finished and is confirmed (R4.3)...
      await polling.catch(() => undefined);
      await resources?.close(); // ...and only then are the resources released (R3.1)
    },
  });

  // Settles when polling ends: after the stop, or on a Bot API refusal (401, 409) at any time.
  const polling = (async () => {
    resources = openResources(config); // R3.1: opened before polling starts
    const open = resources;
    const bot = createBot(config, { log, resources: () => open, gate: poller.gate });
    await bot.init(stop.signal as GrammySignal); // fails fast on a wrong token (getMe), before any update
    log.info({ username: bot.botInfo.username }, 'bot authorized');
    await poller.start(bot); // resolves once polling has ended, after stop() or on 401/409 (P11)
  })();
  await stop.awaitStartup(polling, async (err) => {
    log.error({ err }, describeStartupError(err));
    await resources?.close();
  });
}

const config = readConfig(loadConfig); // synchronous, but before the first update (R2.3)
if (config) {
  await run(config, createLogger(config.logLevel));
}
