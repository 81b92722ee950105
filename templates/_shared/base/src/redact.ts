import type { redactOptions } from 'pino';

/**
 * What the logger censors (pino `redact`, applied to every line after the serializers). The
 * paths are exact, no wildcards: pino's wildcard paths cost 13 to 60 µs per line (a request logs
 * two), exact ones about 2 µs. So a credential is censored where it is put by convention: under
 * one of SECRET_KEYS at the top of a line or in `config`, in the authorization and cookie headers,
 * and inside a URL at one of URL_PATHS, of which the rest stays readable
 * (`postgres://user:redacted@host`, `?access_token=redacted`, `/bot-redacted/getMe`). Log a secret
 * of your own under one of these keys, or add its path here; a secret inside free text (an error
 * message) is out of reach, so never put one there.
 */
export const SECRET_KEYS = [
  'password',
  'passwd',
  'secret',
  'clientSecret',
  'token',
  'accessToken',
  'refreshToken',
  'apiKey',
  'privateKey',
  'botToken',
  'webhookSecret',
  'authorization',
  'cookie',
] as const;

const HEADER_PATHS = [
  'req.headers.authorization',
  'req.headers["proxy-authorization"]',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'req.headers["x-telegram-bot-api-secret-token"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
];

/** Where a URL that may carry a credential is logged: the request, DATABASE_URL and REDIS_URL. */
export const URL_PATHS = [
  'url',
  'req.url',
  'databaseUrl',
  'redisUrl',
  'config.source.databaseUrl',
  'config.source.url',
  'source.databaseUrl',
  'source.url',
] as const;

export const REDACTED = '[redacted]';

/** Query parameters that carry a credential, by name. */
const SECRET_PARAM = /token|secret|passw|api[-_]?key|signature|^key$|^auth/i;
/** The bot token in a Telegram Bot API URL: /bot123456:ABC-def/getMe */
const BOT_TOKEN_SEGMENT = /\/bot\d+:[\w-]+/g;
const MAY_HOLD_CREDENTIALS = /[@?]|\/bot\d/;
const URL_KEYS = new Set(URL_PATHS.map((p) => p.slice(p.lastIndexOf('.') + 1)));

/** The URL with its password, secret query parameters and bot token replaced; the rest as it was. */
export function withoutCredentials(text: string): string {
  if (!MAY_HOLD_CREDENTIALS.test(text)) return text; // most request URLs: no userinfo, query or bot path
  let url: URL;
  try {
    url = new URL(text, 'http://relative.invalid');
  } catch {
    return text; // not a URL: nothing recognisable to censor
  }
  let changed = false;
  if (url.password) {
    url.password = 'redacted';
    changed = true;
  }
  for (const name of [...url.searchParams.keys()]) {
    if (SECRET_PARAM.test(name)) {
      url.searchParams.set(name, 'redacted');
      changed = true;
    }
  }
  const pathname = url.pathname.replaceAll(BOT_TOKEN_SEGMENT, '/bot-redacted');
  if (pathname !== url.pathname) {
    url.pathname = pathname;
    changed = true;
  }
  if (!changed) return text;
  return url.origin === 'http://relative.invalid' ? `${url.pathname}${url.search}${url.hash}` : url.href;
}

/**
 * pino `redact` options: SECRET_KEYS (top level and in `config`) and the credential headers
 * censored whole, URL_PATHS stripped of their credentials, and `extra` paths each replaced by
 * its own text.
 */
export function redaction(extra: Readonly<Record<string, string>> = {}): redactOptions {
  const extraPaths = Object.keys(extra);
  return {
    paths: [...SECRET_KEYS, ...SECRET_KEYS.map((key) => `config.${key}`), ...HEADER_PATHS, ...URL_PATHS, ...extraPaths],
    censor: (value: unknown, at: readonly (string | symbol)[]): unknown => {
      const key = at[at.length - 1];
      if (typeof key === 'string' && URL_KEYS.has(key)) return typeof value === 'string' ? withoutCredentials(value) : value;
      if (extraPaths.length > 0) {
        const text = extra[at.map(String).join('.')];
        if (text !== undefined) return text;
      }
      return REDACTED;
    },
  };
}
