import { ConfigError, loadConfig } from '../../src/config.js';

/** The ConfigError that loadConfig throws for `env`; any other outcome fails the test. */
export function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error(`expected a ConfigError for ${JSON.stringify(env)}`);
}
