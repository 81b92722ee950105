import { tracingChannel } from 'node:diagnostics_channel';
import { autoRetry } from '@grammyjs/auto-retry';
import { Bot, GrammyError, HttpError, type Middleware } from 'grammy';
import type { BotConfig } from './config.js';
import { echoHandler } from './handlers/echo.js';
import { commands } from './handlers/index.js';
import type { Logger } from './logger.js';
import type { Resources } from './resources.js';

export interface BotDependencies {
  log: Logger;
  /** The open resources; called when an update needs them, so they may be opened after this. */
  resources: () => Resources;
  /**
   * Runs before every handler. The composition root uses it to stop taking updates on shutdown
   * (R4.3: the rest of a fetched batch is skipped and stays unconfirmed) or to track running ones.
   */
  gate?: Middleware;
}

/** What every command handler of src/handlers/index.ts is built with. */
export interface CommandDeps {
  config: BotConfig;
  /** The open resources (upstream pool, CPU pool); call it inside a handler, not while building. */
  resources: () => Resources;
}

/**
 * Outbound calls to Telegram retry on 429 (after `retry_after`) and 5xx with the grammY plugin,
 * bounded so that a retry can never outlive the shutdown budget. Network errors are not retried
 * here: long polling retries getUpdates itself, and a failed reply is logged by bot.catch.
 */
const RETRY = { maxRetryAttempts: 3, maxDelaySeconds: 10, rethrowHttpErrors: true } as const;

/**
 * Every update handled is traced on this channel with its id and type (message, callback_query…):
 * the OpenTelemetry preload (--telemetry otel) turns each into a span. Without a subscriber it
 * costs nothing.
 */
const updateChannel = tracingChannel<{ id: number; type: string }>('loopsvc:update');

/**
 * Builds the bot and its handlers without side effects (R1.2): no network call, no polling, no
 * timers. src/main.ts is the only place that starts it. Tests call it with a fake Bot API.
 */
export function createBot(config: BotConfig, deps: BotDependencies): Bot {
  const bot = new Bot(config.botToken, { client: { apiRoot: config.telegramApiRoot } }); // P15: no trailing '/'
  bot.api.config.use(autoRetry(RETRY));

  if (deps.gate) bot.use(deps.gate); // must be the first middleware
  bot.use((ctx, next) => updateChannel.tracePromise(next, { id: ctx.update.update_id, type: Object.keys(ctx.update).find((k) => k !== 'update_id') ?? 'unknown' }));
  // The commands listed in src/handlers/index.ts (`create-loopsvc add command <name>` adds one),
  // then the echo handler, which answers any other text and so must come last.
  const commandDeps: CommandDeps = { config, resources: deps.resources };
  bot.use(...commands.map((command) => command(commandDeps)), echoHandler());

  // P12: without this, grammY's default handler stops polling and rethrows (the process dies).
  // A failing update is logged and the bot moves on; its offset is confirmed, it is not retried.
  bot.catch((err) => {
    deps.log.error({ updateId: err.ctx.update.update_id, err: err.error }, 'update failed');
  });
  return bot;
}

/** A startup failure as one line that says what to fix; the token itself is never printed. */
export function describeStartupError(err: unknown): string {
  if (err instanceof GrammyError && (err.error_code === 401 || err.error_code === 404)) {
    return `Telegram rejected BOT_TOKEN (${err.error_code}: ${err.description}); copy the token from @BotFather again`;
  }
  if (err instanceof GrammyError && err.error_code === 409) {
    return `another instance is using this bot (409: ${err.description}); long polling allows one poller per token (P11), stop the other one or use webhook mode`;
  }
  if (err instanceof HttpError) {
    return `cannot reach the Bot API at TELEGRAM_API_ROOT: ${err.message}`;
  }
  return err instanceof Error ? err.message : String(err);
}
