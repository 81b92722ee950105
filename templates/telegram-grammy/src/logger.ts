import { pino, type DestinationStream, type Logger } from 'pino';
import type { LogLevel } from './config.js';
import { redaction } from './redact.js';

export type { Logger } from 'pino';

const MAY_HOLD_THE_TOKEN = '[redacted: may contain the bot token]';

/**
 * JSON lines on stdout, the same format as Fastify's logger (which is pino too), with the
 * credentials censored (./redact.ts: BOT_TOKEN and WEBHOOK_SECRET under their keys,
 * the token inside a Bot API URL). The bot token is part of every Bot API URL: grammY keeps it
 * out of its own error messages, but the network error it wraps (HttpError.error) quotes the URL,
 * so that text is redacted; its code (ECONNREFUSED...) stays. `destination` is for tests.
 */
export function createLogger(level: LogLevel, destination?: DestinationStream): Logger {
  return pino({ level, redact: redaction({ 'err.error.message': MAY_HOLD_THE_TOKEN, 'err.error.stack': MAY_HOLD_THE_TOKEN }) }, destination);
}
