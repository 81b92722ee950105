import { ConfigError, loadConfig, type Config } from './config.js';
import { createLogger } from './logger.js';
import { migrate } from './queue/pgboss.js';

// `npm run migrate` (in an image: `node dist/migrate.js`): installs or upgrades pg-boss's schema and
// creates the queue with its retry policy (MAX_ATTEMPTS, RETRY_BASE_MS, RETRY_MAX_MS), expiry and
// heartbeat (JOB_EXPIRE_SECONDS, JOB_HEARTBEAT_SECONDS). Run it once per deploy, before the workers
// start: the workers never change the schema (pg-boss `migrate: false`), so many of them starting
// together do not race on DDL.

async function main(config: Config): Promise<void> {
  const log = createLogger(config.logLevel);
  try {
    await migrate(config.source, config, log);
    log.info({ schema: config.source.schema, queue: config.source.queue }, 'queue schema is up to date');
  } catch (err) {
    log.error({ err }, 'migration failed');
    process.exitCode = 1;
  }
}

try {
  await main(loadConfig(process.env));
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  process.stderr.write(`${err.message}\n`);
  process.exitCode = 1;
}
