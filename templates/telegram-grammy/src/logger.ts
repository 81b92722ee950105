import { pino, type Logger } from 'pino';
import type { LogLevel } from './config.js';

export type { Logger } from 'pino';

/**
 * JSON lines on stdout, the same format as Fastify's logger (which is pino too). The bot token is
 * part of every Bot API URL: grammY keeps it out of its own error messages, but the network error
 * it wraps (HttpError.error) quotes the URL, so that text is redacted; its code (ECONNREFUSED...)
 * stays.
 */
export function createLogger(level: LogLevel): Logger {
  return pino({
    level,
    redact: { paths: ['err.error.message', 'err.error.stack', 'botToken', 'config.botToken'], censor: '[redacted: may contain the bot token]' },
  });
}
