// Settings of long polling with @grammyjs/runner, merged into the configuration by src/config.ts.

export interface ModeConfig {
  /** Seconds a getUpdates call waits for updates. An idle poll never delays shutdown: stop() aborts it. */
  pollTimeoutSeconds: number;
  /** R4.4: at most this many updates are handled at the same time. */
  runnerConcurrency: number;
}

export interface ModeEnv {
  POLL_TIMEOUT_S: number;
  RUNNER_CONCURRENCY: number;
}

export const MODE_REQUIRED: string[] = [];

export const MODE_PROPERTIES = {
  POLL_TIMEOUT_S: { type: 'integer', minimum: 0, maximum: 50, default: 30 },
  RUNNER_CONCURRENCY: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
};

export function modeConfig(env: ModeEnv): ModeConfig {
  return { pollTimeoutSeconds: env.POLL_TIMEOUT_S, runnerConcurrency: env.RUNNER_CONCURRENCY };
}
