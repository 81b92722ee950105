import { ms, requestTimeouts } from './startup/env.js';
// Settings of the webhook server (Fastify), merged into the configuration by src/config.ts.
// The HTTP settings (drain, timeouts, body limit, pressure) bound what a slow or hostile client,
// or a burst of updates, can do to the server and to a graceful stop.

export interface ModeConfig {
  host: string;
  port: number;
  /** R4.2: time between "readiness is 503" and "stop accepting", so the load balancer can catch up. */
  drainDelayMs: number;
  keepAliveTimeoutMs: number;
  /** Slow clients: the whole request (headers and body) must arrive within this, else 408. */
  requestTimeoutMs: number;
  /** Slow clients: the request headers must arrive within this (at most requestTimeoutMs). */
  headersTimeoutMs: number;
  /** R2.4: caps the synchronous JSON.parse of request bodies (Telegram updates are small). */
  bodyLimitBytes: number;
  /** Path of the webhook route, e.g. /telegram. */
  webhookPath: string;
  /** R4.5: Telegram sends it in X-Telegram-Bot-Api-Secret-Token; any other request gets 401. */
  webhookSecret: string;
  /** P13: an update still running after this is acknowledged to Telegram and finishes in the background. */
  webhookTimeoutMs: number;
  /** Public https origin Telegram calls (only `npm run webhook:set` needs it). */
  webhookPublicUrl: string | undefined;
  /** R3.4: event-loop delay above which /ready and the webhook answer 503; 0 disables the check. */
  maxEventLoopDelayMs: number;
  pressureSampleIntervalMs: number;
}

export interface ModeEnv {
  HOST: string;
  PORT: number;
  DRAIN_DELAY_MS: number;
  KEEP_ALIVE_TIMEOUT_MS: number;
  REQUEST_TIMEOUT_MS: number;
  HEADERS_TIMEOUT_MS: number;
  BODY_LIMIT_BYTES: number;
  WEBHOOK_PATH: string;
  WEBHOOK_SECRET: string;
  WEBHOOK_TIMEOUT_MS: number;
  WEBHOOK_PUBLIC_URL?: string;
  MAX_EVENT_LOOP_DELAY_MS: number;
  PRESSURE_SAMPLE_INTERVAL_MS: number;
}

export const MODE_REQUIRED = ['WEBHOOK_SECRET'];

export const MODE_PROPERTIES = {
  HOST: { type: 'string', minLength: 1, default: '0.0.0.0' }, // P6: 127.0.0.1 is unreachable by probes
  PORT: { type: 'integer', minimum: 0, maximum: 65535, default: 3000 },
  DRAIN_DELAY_MS: ms(10_000), // deploy/kubernetes.yaml and the README's Deployment section
  KEEP_ALIVE_TIMEOUT_MS: ms(65_000, 1), // above the 60 s idle timeout of common cloud load balancers
  REQUEST_TIMEOUT_MS: ms(30_000, 1),
  HEADERS_TIMEOUT_MS: ms(10_000, 1),
  BODY_LIMIT_BYTES: { type: 'integer', minimum: 1, maximum: 100 * 1024 * 1024, default: 1024 * 1024 },
  WEBHOOK_PATH: { type: 'string', pattern: '^/[A-Za-z0-9/_-]{0,200}$', default: '/telegram' },
  // Telegram allows 1-256 characters A-Z, a-z, 0-9, _ and -; at least 16 here, so it cannot be guessed.
  WEBHOOK_SECRET: { type: 'string', pattern: '^[A-Za-z0-9_-]{16,256}$' },
  WEBHOOK_TIMEOUT_MS: ms(8_000, 1),
  WEBHOOK_PUBLIC_URL: { type: 'string', pattern: '^https?://[^/?#]+$' },
  MAX_EVENT_LOOP_DELAY_MS: ms(1_000),
  PRESSURE_SAMPLE_INTERVAL_MS: ms(1_000, 10),
};

export function modeConfig(env: ModeEnv): ModeConfig {
  return {
    host: env.HOST,
    port: env.PORT,
    drainDelayMs: env.DRAIN_DELAY_MS,
    keepAliveTimeoutMs: env.KEEP_ALIVE_TIMEOUT_MS,
    ...requestTimeouts(env.REQUEST_TIMEOUT_MS, env.HEADERS_TIMEOUT_MS),
    bodyLimitBytes: env.BODY_LIMIT_BYTES,
    webhookPath: env.WEBHOOK_PATH,
    webhookSecret: env.WEBHOOK_SECRET,
    webhookTimeoutMs: env.WEBHOOK_TIMEOUT_MS,
    webhookPublicUrl: env.WEBHOOK_PUBLIC_URL,
    maxEventLoopDelayMs: env.MAX_EVENT_LOOP_DELAY_MS,
    pressureSampleIntervalMs: env.PRESSURE_SAMPLE_INTERVAL_MS,
  };
}
