import underPressure from '@fastify/under-pressure';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Bot, Middleware } from 'grammy';
import { createBot } from './bot.js';
import type { Config } from './config.js';
import type { Logger } from './logger.js';
import { drain, slowClientLimits } from './plugins/drain.js';
import { openResources, type OpenResources } from './resources.js';
import { liveRoute, readyRoute } from './routes/health.js';
import { webhookRoute } from './routes/webhook.js';

const PROBES = new Set(['/live', '/ready']);

/** grammY types its signals with the abort-controller polyfill; Node's AbortSignal is the same at runtime. */
type GrammySignal = Parameters<Bot['init']>[0];

/**
 * Counts the updates being handled, so shutdown can wait for those that outlived the webhook
 * timeout (their HTTP request has already been answered, so Fastify's own drain does not see
 * them). It is also the error boundary: bot.catch has no effect for webhooks (P12), and an error
 * that escaped would become a 500 and make Telegram send the same update again and again.
 */
function trackUpdates(log: Logger): { gate: Middleware; idle(): Promise<void> } {
  let running = 0;
  const waiters: (() => void)[] = [];
  return {
    gate: async (ctx, next) => {
      running += 1;
      try {
        await next();
      } catch (err) {
        log.error({ updateId: ctx.update.update_id, err }, 'update failed'); // acknowledged, not retried
      } finally {
        running -= 1;
        if (running === 0) {
          for (const wake of waiters.splice(0)) wake();
        }
      }
    },
    idle: () => (running === 0 ? Promise.resolve() : new Promise((resolve) => waiters.push(resolve))),
  };
}

/**
 * Builds the webhook server without starting it (R1.2): no listen(), no signal handlers, no Bot
 * API call and no open socket until `ready()`/`listen()`: /live, /ready, the drain plugin,
 * resources opened in onReady and closed in onClose.
 * src/main.ts is the only place that listens and owns the process.
 */
export interface BuildOptions {
  /** Aborted when a stop begins: ends a Bot API call of the startup (getMe) that hangs. */
  startupSignal?: AbortSignal;
}

export async function buildApp(config: Config, log: Logger, { startupSignal }: BuildOptions = {}): Promise<FastifyInstance> {
  const serverLog: FastifyBaseLogger = log; // one pino logger for the bot and the server
  const app = Fastify({
    loggerInstance: serverLog,
    logController: new LogController({ disableRequestLogging: (request) => PROBES.has(request.url) }),
    keepAliveTimeout: config.keepAliveTimeoutMs,
    ...slowClientLimits(config), // REQUEST_TIMEOUT_MS, HEADERS_TIMEOUT_MS
    bodyLimit: config.bodyLimitBytes, // R2.4: bounds the synchronous JSON.parse of bodies (413 above)
    // R3.3: keep the defaults return503OnClosing: true and forceCloseConnections: 'idle';
    // forceCloseConnections: true would cut in-flight requests.
  });

  let resources: OpenResources | undefined;
  const updates = trackUpdates(log);
  const bot = createBot(config, {
    log,
    gate: updates.gate,
    resources: () => {
      if (!resources) throw new Error('resources are open only between onReady and onClose (R3.1)');
      return resources;
    },
  });

  await app.register(drain);

  // R3.1, R4.5: resources opened and the bot authorized (getMe: a wrong token fails listen()) in onReady.
  app.addHook('onReady', async () => {
    resources = openResources(config);
    await bot.init(startupSignal as GrammySignal);
  });
  // onClose runs after the server stopped accepting and in-flight requests finished; updates that
  // were acknowledged on timeout may still run: wait for them, then release the resources.
  app.addHook('onClose', async () => {
    await updates.idle();
    await resources?.close();
    resources = undefined;
  });

  await app.register(liveRoute); // outside the under-pressure scope: liveness ignores load (R3.4)

  await app.register(async (api) => {
    // R3.4: under event-loop pressure /ready and the webhook answer 503 + Retry-After. Telegram
    // then delivers the update again later: it was not handled, so that is no duplicate.
    await api.register(underPressure, {
      maxEventLoopDelay: config.maxEventLoopDelayMs,
      sampleInterval: config.pressureSampleIntervalMs,
      retryAfter: 5,
    });
    await api.register(readyRoute);
    await api.register(webhookRoute, {
      bot,
      log,
      path: config.webhookPath,
      secret: config.webhookSecret,
      timeoutMs: config.webhookTimeoutMs,
    });
  });

  return app;
}
