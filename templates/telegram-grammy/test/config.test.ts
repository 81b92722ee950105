import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';

const TOKEN = '123456:ABC-def_ghi';
// WEBHOOK_SECRET is required in webhook mode and ignored in polling mode.
const REQUIRED = { BOT_TOKEN: TOKEN, WEBHOOK_SECRET: 'test-secret-0123456789' };

function configError(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).message;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig(REQUIRED);
    expect(config).toMatchObject({
      botToken: TOKEN,
      telegramApiRoot: 'https://api.telegram.org',
      logLevel: 'info',
      shutdownTimeoutMs: 20_000,
      upstreamTimeoutMs: 2_000,
    });
    expect(config.cpuPoolThreads).toBeGreaterThanOrEqual(1);
    expect(config.upstreamUrl).toBeUndefined(); // no catalog to call until UPSTREAM_URL is set
  });

  it('requires BOT_TOKEN: there is no placeholder token', () => {
    const message = configError({ ...REQUIRED, BOT_TOKEN: undefined as unknown as string });
    expect(message).toBe('invalid configuration: BOT_TOKEN is required');
  });

  it.each([
    ['BOT_TOKEN', 'not-a-token'],
    ['BOT_TOKEN', `"${TOKEN}"`],
    ['BOT_TOKEN', ''],
  ])('rejects a malformed %s without printing it', (name, value) => {
    const message = configError({ ...REQUIRED, [name]: value });
    expect(message).toContain('BOT_TOKEN has the wrong format');
    if (value !== '') expect(message).not.toContain(value);
    expect(message).not.toContain('\n');
  });

  it.each([
    ['TELEGRAM_API_ROOT', 'https://api.telegram.org/'], // P15: grammY throws on a trailing slash
    ['TELEGRAM_API_ROOT', 'api.telegram.org'],
    ['LOG_LEVEL', 'loud'],
    ['SHUTDOWN_TIMEOUT_MS', '0'],
    ['SHUTDOWN_TIMEOUT_MS', ''],
    ['UPSTREAM_URL', 'http://catalog/v1'],
    ['UPSTREAM_TIMEOUT_MS', '1.5'],
    ['CPU_POOL_THREADS', '0'],
  ])('rejects %s=%j with one line naming the variable', (name, value) => {
    const message = configError({ ...REQUIRED, [name]: value });
    expect(message).toContain(name);
    expect(message).not.toContain('\n');
  });

  it('accepts a local Bot API server as the API root', () => {
    expect(loadConfig({ ...REQUIRED, TELEGRAM_API_ROOT: 'http://127.0.0.1:8081' }).telegramApiRoot).toBe('http://127.0.0.1:8081');
  });
});

describe('logs', () => {
  it('never show BOT_TOKEN or WEBHOOK_SECRET: a logged config, a Bot API URL, a network error quoting it', () => {
    const lines: string[] = [];
    const log = createLogger('info', { write: (line: string) => void lines.push(line) });
    const config = loadConfig(REQUIRED);
    log.info({ config }, 'config');
    log.info({ url: `https://api.telegram.org/bot${TOKEN}/getMe` }, 'calling');
    // grammY's HttpError wraps the network error, whose message quotes the URL with the token
    const err = Object.assign(new Error('Network request for getMe failed!'), {
      error: Object.assign(new Error(`request to https://api.telegram.org/bot${TOKEN}/getMe failed, reason: ECONNREFUSED`), { code: 'ECONNREFUSED' }),
    });
    log.error({ err }, 'bot api unreachable');
    const out = lines.join('');
    expect(lines).toHaveLength(3);
    expect(out).not.toContain('ABC-def_ghi');
    expect(out).not.toContain(REQUIRED.WEBHOOK_SECRET);
    expect(out).toContain('ECONNREFUSED'); // the cause stays readable
  });
});
