import { POLLER_PROPERTIES, pollerConfig, type PollerConfig, type PollerEnv } from './polling.js';

// Settings of long polling, merged into the configuration by src/config.ts. What only one way of
// polling needs (the runner's concurrency) is declared next to that poller, in src/polling.ts.

export interface ModeConfig extends PollerConfig {
  /** Seconds a getUpdates call waits for updates. An idle poll never delays shutdown: stop() aborts it. */
  pollTimeoutSeconds: number;
}

export interface ModeEnv extends PollerEnv {
  POLL_TIMEOUT_S: number;
}

export const MODE_REQUIRED: string[] = [];

export const MODE_PROPERTIES = {
  POLL_TIMEOUT_S: { type: 'integer', minimum: 0, maximum: 50, default: 30 },
  ...POLLER_PROPERTIES,
};

export function modeConfig(env: ModeEnv): ModeConfig {
  return { pollTimeoutSeconds: env.POLL_TIMEOUT_S, ...pollerConfig(env) };
}
