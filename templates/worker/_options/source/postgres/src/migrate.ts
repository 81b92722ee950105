import { pino } from 'pino';
import { ConfigError, loadConfig, type Config } from './config.js';
import { createPool, migrate } from './queue/postgres.js';

// `npm run migrate` (in an image: `node dist/migrate.js`): creates the queue's schema and table.
// Run it once per deploy, before the workers start. Schema changes are an explicit step, not a side
// effect of every start, where many workers starting together would race on DDL.

async function main(config: Config): Promise<void> {
  const log = pino({ level: config.logLevel });
  const pool = createPool(config.source.databaseUrl, log);
  try {
    await migrate(pool, config.source.schema);
    log.info({ schema: config.source.schema }, 'queue schema is up to date');
  } catch (err) {
    log.error({ err }, 'migration failed');
    process.exitCode = 1;
  } finally {
    await pool.end();
  }
}

try {
  await main(loadConfig(process.env));
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  process.stderr.write(`${err.message}\n`);
  process.exitCode = 1;
}
