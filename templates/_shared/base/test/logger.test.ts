import { describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger.js';
import { withoutCredentials } from '../src/redact.js';

// The logger of src/logger.ts, writing into an array: what would reach stdout.
function capture(): { lines: string[]; log: ReturnType<typeof createLogger> } {
  const lines: string[] = [];
  return { lines, log: createLogger('info', { write: (line: string) => void lines.push(line) }) };
}

describe('log redaction', () => {
  it('censors credentials under their keys, at the top of a line, in config and in headers', () => {
    const { lines, log } = capture();
    log.info(
      {
        password: 'pw-top',
        token: 'tok-top',
        apiKey: 'key-top',
        config: { password: 'pw-config', botToken: '123:bot-token' },
        req: { headers: { authorization: 'Bearer bearer-secret', cookie: 'sid=cookie-secret', 'x-api-key': 'header-key', accept: 'application/json' } },
        res: { headers: { 'set-cookie': 'sid=set-cookie-secret' } },
      },
      'a line with secrets',
    );
    const out = lines.join('');
    for (const secret of ['pw-top', 'tok-top', 'key-top', 'pw-config', 'bot-token', 'bearer-secret', 'cookie-secret', 'header-key', 'set-cookie-secret']) {
      expect(out, secret).not.toContain(secret);
    }
    const line = JSON.parse(out) as { req: { headers: Record<string, string> }; config: Record<string, string>; msg: string };
    expect(line.req.headers['authorization']).toBe('[redacted]');
    expect(line.req.headers['accept']).toBe('application/json'); // the rest stays
    expect(line.config['password']).toBe('[redacted]');
    expect(line.msg).toBe('a line with secrets');
  });

  it('keeps a URL readable without its password or token', () => {
    const { lines, log } = capture();
    log.info({
      config: { source: { databaseUrl: 'postgres://app:db-secret@db.internal:5432/app', url: 'redis://:redis-secret@cache:6379/0' } },
      req: { url: '/items?ids=a,b&access_token=query-secret' },
      url: 'https://api.telegram.org/bot123456:AAbot-secret/getUpdates',
    });
    const out = lines.join('');
    for (const secret of ['db-secret', 'redis-secret', 'query-secret', 'AAbot-secret']) expect(out, secret).not.toContain(secret);
    const line = JSON.parse(out) as { config: { source: Record<string, string> }; req: { url: string }; url: string };
    expect(line.config.source['databaseUrl']).toBe('postgres://app:redacted@db.internal:5432/app');
    expect(line.config.source['url']).toBe('redis://:redacted@cache:6379/0');
    expect(line.req.url).toBe('/items?ids=a%2Cb&access_token=redacted');
    expect(line.url).toBe('https://api.telegram.org/bot-redacted/getUpdates');
  });

  it('leaves a URL without credentials as it was', () => {
    expect(withoutCredentials('/fanout?ids=a,b')).toBe('/fanout?ids=a,b');
    expect(withoutCredentials('postgres://app@db:5432/app')).toBe('postgres://app@db:5432/app');
    expect(withoutCredentials('not a url at all')).toBe('not a url at all');
  });
});
