import { pino, type DestinationStream, type LevelWithSilentOrString, type Logger } from 'pino';
import { redaction } from './redact.js';

export type { Logger } from 'pino';

/**
 * JSON lines on stdout, one per event: what log collectors parse (`npm run dev` pipes them through
 * pino-pretty for reading). Created before anything else, so a signal during startup is logged
 * too. Credentials are censored on every line (./redact.ts): authorization and cookie headers,
 * tokens, passwords, secrets, and the password or token inside a URL. `destination` is for tests.
 */
export function createLogger(level: LevelWithSilentOrString, destination?: DestinationStream): Logger {
  return pino({ level, redact: redaction() }, destination);
}
