import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      host: '0.0.0.0', // P6: reachable by Kubernetes probes
      port: 3000,
      logLevel: 'info',
      drainDelayMs: 10_000,
      shutdownTimeoutMs: 15_000,
      keepAliveTimeoutMs: 65_000,
      bodyLimitBytes: 1_048_576,
      requestTimeoutMs: 30_000,
      headersTimeoutMs: 10_000,
      cpuQueueMax: 64,
    });
    expect(config.cpuPoolThreads).toBeGreaterThanOrEqual(1);
    expect(config.upstreamUrl).toBeUndefined(); // the service's own /items, where it listens
  });

  it('coerces and normalises values', () => {
    const config = loadConfig({ PORT: '8081', DRAIN_DELAY_MS: '0', UPSTREAM_URL: 'https://api.example.com/' });
    expect(config.port).toBe(8081);
    expect(config.drainDelayMs).toBe(0);
    expect(config.upstreamUrl).toBe('https://api.example.com');
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', ''],
    ['PORT', '70000'],
    ['DRAIN_DELAY_MS', '-1'],
    ['SHUTDOWN_TIMEOUT_MS', '1.5'],
    ['LOG_LEVEL', 'loud'],
    ['UPSTREAM_URL', 'ftp://files.example.com'],
    ['UPSTREAM_URL', 'http://api.example.com/v1'],
    ['UPSTREAM_URL', 'not a url'],
    ['HOST', ''],
    ['REQUEST_TIMEOUT_MS', '0'],
    ['HEADERS_TIMEOUT_MS', '0'],
    ['CPU_QUEUE_MAX', '0'],
  ])('rejects %s=%j with one line naming the variable', (name, value) => {
    let error: unknown;
    try {
      loadConfig({ [name]: value });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toContain(name);
    expect(message).not.toContain('\n');
  });

  it('refuses HEADERS_TIMEOUT_MS above REQUEST_TIMEOUT_MS, naming both', () => {
    expect(() => loadConfig({ REQUEST_TIMEOUT_MS: '5000', HEADERS_TIMEOUT_MS: '6000' })).toThrow(
      /HEADERS_TIMEOUT_MS \(6000\) must not exceed REQUEST_TIMEOUT_MS \(5000\)/,
    );
  });
});
