// Settings of long polling with bot.start(), merged into the configuration by src/config.ts.

export interface ModeConfig {
  /** Seconds a getUpdates call waits for updates. An idle poll never delays shutdown: stop() aborts it. */
  pollTimeoutSeconds: number;
}

export interface ModeEnv {
  POLL_TIMEOUT_S: number;
}

export const MODE_REQUIRED: string[] = [];

export const MODE_PROPERTIES = {
  POLL_TIMEOUT_S: { type: 'integer', minimum: 0, maximum: 50, default: 30 },
};

export function modeConfig(env: ModeEnv): ModeConfig {
  return { pollTimeoutSeconds: env.POLL_TIMEOUT_S };
}
