import { availableParallelism } from 'node:os';
import { ConfigError, httpOrigin, LOG_LEVELS, ms, readEnv, type LogLevel } from './startup/env.js';
import { MODE_PROPERTIES, MODE_REQUIRED, modeConfig, type ModeConfig, type ModeEnv } from './mode-config.js';

// Configuration comes from the environment and is validated once, at startup, before the bot
// takes its first update (R2.3: synchronous work is fine only before serving). A missing or bad
// value stops the bot with one line that names the variable. There is no placeholder token in
// the code: BOT_TOKEN is required.
//
// This file holds what every way of running the bot needs; src/mode-config.ts adds the settings
// of the chosen mode (long polling or the webhook server).

export { ConfigError, LOG_LEVELS, type LogLevel } from './startup/env.js';

export interface BotConfig {
  /** From @BotFather. Never logged, never echoed in an error message. */
  botToken: string;
  /** Bot API origin, without a trailing slash (P15). A local Bot API server or a test fake. */
  telegramApiRoot: string;
  logLevel: LogLevel;
  /** R4.1: budget for the graceful stop; past it the process exits 1. */
  shutdownTimeoutMs: number;
  /** Origin of the catalog /item asks (GET /items/:id); unset: /item says how to set it. */
  upstreamUrl: string | undefined;
  /** R2.2: every outbound call carries AbortSignal.timeout(upstreamTimeoutMs). */
  upstreamTimeoutMs: number;
  upstreamConnections: number;
  /** R2.4: size of the worker-thread pool for CPU-bound work (/hash). */
  cpuPoolThreads: number;
}

export type Config = BotConfig & ModeConfig;

interface BotEnv {
  BOT_TOKEN: string;
  TELEGRAM_API_ROOT: string;
  LOG_LEVEL: LogLevel;
  SHUTDOWN_TIMEOUT_MS: number;
  UPSTREAM_URL?: string;
  UPSTREAM_TIMEOUT_MS: number;
  UPSTREAM_CONNECTIONS: number;
  CPU_POOL_THREADS: number;
}

/** Variables whose value must never appear in a log line or an error message. */
const SECRETS = ['BOT_TOKEN', 'WEBHOOK_SECRET'];

const BOT_PROPERTIES = {
  // <bot id>:<secret>, as @BotFather prints it. The format check catches a pasted URL or quotes;
  // whether Telegram accepts the token is checked by bot.init() at startup.
  BOT_TOKEN: { type: 'string', pattern: '^[0-9]{1,20}:[A-Za-z0-9_-]{1,100}$' },
  TELEGRAM_API_ROOT: { type: 'string', minLength: 1, default: 'https://api.telegram.org' },
  LOG_LEVEL: { type: 'string', enum: LOG_LEVELS, default: 'info' },
  SHUTDOWN_TIMEOUT_MS: ms(20_000, 1),
  UPSTREAM_URL: { type: 'string', minLength: 1 }, // no default: a fresh project has no catalog to call
  UPSTREAM_TIMEOUT_MS: ms(2_000, 1),
  UPSTREAM_CONNECTIONS: { type: 'integer', minimum: 1, maximum: 1024, default: 10 },
  CPU_POOL_THREADS: { type: 'integer', minimum: 1, maximum: 256, default: Math.max(1, availableParallelism() - 1) },
};

/** An http(s) URL with no trailing slash: grammY throws on `apiRoot` ending in `/` (P15). */
function apiRoot(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`invalid configuration: TELEGRAM_API_ROOT must be an http(s) URL, got ${JSON.stringify(raw)}`);
  }
  if (!['http:', 'https:'].includes(url.protocol) || raw.endsWith('/') || url.search !== '') {
    throw new ConfigError(
      `invalid configuration: TELEGRAM_API_ROOT must be an http(s) URL without a trailing slash, like https://api.telegram.org, got ${JSON.stringify(raw)}`,
    );
  }
  return raw;
}

/** Reads and validates the configuration; throws ConfigError with a one-line message. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = readEnv<BotEnv & ModeEnv>({
    schema: { type: 'object', required: ['BOT_TOKEN', ...MODE_REQUIRED], properties: { ...BOT_PROPERTIES, ...MODE_PROPERTIES } },
    env,
    secrets: SECRETS,
  });
  return {
    botToken: parsed.BOT_TOKEN,
    telegramApiRoot: apiRoot(parsed.TELEGRAM_API_ROOT),
    logLevel: parsed.LOG_LEVEL,
    shutdownTimeoutMs: parsed.SHUTDOWN_TIMEOUT_MS,
    upstreamUrl: parsed.UPSTREAM_URL === undefined ? undefined : httpOrigin('UPSTREAM_URL', parsed.UPSTREAM_URL),
    upstreamTimeoutMs: parsed.UPSTREAM_TIMEOUT_MS,
    upstreamConnections: parsed.UPSTREAM_CONNECTIONS,
    cpuPoolThreads: parsed.CPU_POOL_THREADS,
    ...modeConfig(parsed),
  };
}
