import { pino, type Logger } from 'pino';
import type { LogLevel } from './config.js';

export type { Logger } from 'pino';

/**
 * JSON lines on stdout, one per event: what log collectors parse. `npm run dev` pipes them through
 * pino-pretty for reading. Created before the app, so a signal during startup is logged too.
 */
export function createLogger(level: LogLevel): Logger {
  return pino({ level });
}
