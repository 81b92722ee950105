import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { exitWithin, killAll, linesWith, PROJECT_ROOT, startWorker, workerEnv } from './helpers/service.js';
import { DATABASE_URL, SKIP_REASON } from './helpers/source.js';

// The schema is `npm run migrate`'s job (dist/migrate.js in a deploy), never a side effect of a
// start: a worker on a schema that was not migrated refuses to start, naming the fix, and creates
// nothing.

const schema = `loopsvc_test_${randomUUID().replaceAll('-', '').slice(0, 12)}`;

async function schemaExists(): Promise<boolean> {
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM information_schema.schemata WHERE schema_name = $1', [schema]);
    return rowCount === 1;
  } finally {
    await client.end();
  }
}

afterEach(async () => {
  await killAll();
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await client.end();
});

describe.skipIf(SKIP_REASON !== undefined)(`the queue schema${SKIP_REASON ? ` (${SKIP_REASON})` : ''}`, () => {
  it('a worker on a schema that was not migrated exits 1, names npm run migrate, and creates nothing', async () => {
    const worker = await startWorker(workerEnv({ DATABASE_URL, QUEUE_SCHEMA: schema }), { waitForStart: false });
    const exit = await exitWithin(worker, 20_000);
    expect(exit.code).toBe(1);
    const failed = linesWith(worker.logs, 'failed to start');
    expect(JSON.stringify(failed[0]?.err)).toContain('npm run migrate');
    expect(await schemaExists()).toBe(false);
  });

  it('dist/migrate.js installs the schema and the queue; the worker then starts', async () => {
    const env = { PATH: process.env.PATH ?? '', DATABASE_URL, QUEUE_SCHEMA: schema };
    await promisify(execFile)(process.execPath, ['dist/migrate.js'], { cwd: PROJECT_ROOT, env });
    await promisify(execFile)(process.execPath, ['dist/migrate.js'], { cwd: PROJECT_ROOT, env }); // idempotent
    const worker = await startWorker(workerEnv({ DATABASE_URL, QUEUE_SCHEMA: schema }));
    worker.child.kill('SIGTERM');
    expect((await exitWithin(worker, 20_000)).code).toBe(0);
  });
});
