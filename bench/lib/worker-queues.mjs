// Measurement 5: the worker on the queue servers teams run (postgres: pg-boss, redis: BullMQ), one
// row per source. (a) Throughput of no-op jobs (`flaky` with failTimes 0) through the generated
// worker against the library's own minimal worker (bench/fixtures/*-minimal.mjs) on the same
// server, same CONCURRENCY, the jobs enqueued before the start. (b) SIGTERM -> exit while busy:
// 200 ms jobs, SIGTERM once 8 are done; every in-flight job must finish (exit 0).
// Needs DATABASE_URL / REDIS_URL; each run uses its own schema / key prefix, removed afterwards.
import { copyFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ensureDead, exitWithin, median, run, sleep, startProcess } from './proc.mjs';

const FIXTURES = new URL('../fixtures/', import.meta.url);
const NOOP = { type: 'flaky', payload: { failTimes: 0 } };

/** Imports a package as the generated project resolves it. */
async function fromProject(dir, pkg) {
  const resolved = createRequire(join(dir, 'package.json')).resolve(pkg);
  return import(pathToFileURL(resolved).href);
}

/** The producer and the counter for one source, on a fresh schema / key prefix. */
async function openQueue(source, dir, tag) {
  if (source === 'postgres') {
    const { PgBoss } = await fromProject(dir, 'pg-boss');
    const env = { DATABASE_URL: process.env.DATABASE_URL, QUEUE_SCHEMA: `loopsvc_bench_${tag}`, QUEUE_NAME: 'jobs' };
    await run(process.execPath, ['dist/migrate.js'], { cwd: dir, env: { ...env, LOG_LEVEL: 'warn' } });
    const boss = new PgBoss({ connectionString: env.DATABASE_URL, schema: env.QUEUE_SCHEMA, migrate: false, schedule: false });
    boss.on('error', () => {});
    await boss.start();
    return {
      env,
      add: async (jobs) => {
        for (let i = 0; i < jobs.length; i += 1000) await boss.insert('jobs', jobs.slice(i, i + 1000).map((data) => ({ data, retryLimit: 0 })));
      },
      completed: async () =>
        Number((await boss.getDb().executeSql(`SELECT count(*) AS n FROM "${env.QUEUE_SCHEMA}".job WHERE name = 'jobs' AND state = 'completed'`)).rows[0].n),
      close: async () => {
        await boss.getDb().executeSql(`DROP SCHEMA IF EXISTS "${env.QUEUE_SCHEMA}" CASCADE`);
        await boss.stop({ graceful: false });
      },
    };
  }
  const { Queue } = await fromProject(dir, 'bullmq');
  const { Redis } = await fromProject(dir, 'ioredis');
  const env = { REDIS_URL: process.env.REDIS_URL, QUEUE_PREFIX: `loopsvc-bench-${tag}`, QUEUE_NAME: 'jobs' };
  const connection = new Redis(env.REDIS_URL, { maxRetriesPerRequest: null });
  const queue = new Queue('jobs', { connection, prefix: env.QUEUE_PREFIX });
  return {
    env,
    add: async (jobs) => {
      for (let i = 0; i < jobs.length; i += 1000) await queue.addBulk(jobs.slice(i, i + 1000).map(({ type, payload }) => ({ name: type, data: payload, opts: { attempts: 1 } })));
    },
    completed: async () => (await queue.getJobCounts('completed')).completed,
    close: async () => {
      await queue.obliterate({ force: true });
      await queue.close();
      await connection.quit();
    },
  };
}

/** Jobs per second from the start signal until `count` jobs are completed. */
async function throughput({ source, dir, script, count, concurrency, tag }) {
  const q = await openQueue(source, dir, tag);
  try {
    await q.add(Array.from({ length: count }, () => NOOP));
    const proc = startProcess(process.execPath, [script], {
      cwd: dir,
      guard: false,
      env: { ...q.env, CONCURRENCY: String(concurrency), LOG_LEVEL: 'warn', POLL_INTERVAL_MS: '500', CPU_POOL_THREADS: '1' },
    });
    try {
      const t0 = performance.now();
      const deadline = Date.now() + 300_000;
      while ((await q.completed()) < count) {
        if (Date.now() > deadline) throw new Error(`${source} ${script}: ${count} jobs not done in 300 s`);
        await sleep(50);
      }
      return count / ((performance.now() - t0) / 1000);
    } finally {
      proc.child.kill('SIGTERM');
      await exitWithin(proc, 30_000).catch(() => undefined);
      await ensureDead(proc);
    }
  } finally {
    await q.close();
  }
}

/** SIGTERM while CONCURRENCY jobs of 200 ms run: ms to exit and the exit code. */
async function busyStop({ source, dir, concurrency, tag }) {
  const q = await openQueue(source, dir, tag);
  try {
    await q.add(Array.from({ length: 200 }, (_, i) => ({ type: 'email.send', payload: { to: `u${i}@example.com`, subject: 'bench' } })));
    const proc = startProcess(process.execPath, ['dist/main.js'], {
      cwd: dir,
      env: { ...q.env, CONCURRENCY: String(concurrency), MAIL_LATENCY_MS: '200', CPU_POOL_THREADS: '1', SHUTDOWN_TIMEOUT_MS: '15000' },
    });
    try {
      await proc.waitForLog((l) => l.msg === 'worker started', 30_000);
      await proc.waitForLog(() => proc.logs.filter((l) => l.msg === 'job done').length >= 8, 30_000);
      const t0 = performance.now();
      proc.child.kill('SIGTERM');
      const exit = await exitWithin(proc, 30_000);
      const claimed = new Set(proc.logs.filter((l) => l.msg === 'job claimed').map((l) => l.jobId));
      const done = new Set(proc.logs.filter((l) => l.msg === 'job done').map((l) => l.jobId));
      return { exitMs: exit.at - t0, code: exit.killed ? 'killed' : (exit.code ?? exit.signal), unfinished: [...claimed].filter((id) => !done.has(id)).length };
    } finally {
      await ensureDead(proc);
    }
  } finally {
    await q.close();
  }
}

export async function measureWorkerSources({ projects, reps, jobs, concurrency, log }) {
  const rows = [];
  for (const [source, variable, minimal] of [
    ['postgres', 'DATABASE_URL', 'pgboss-minimal.mjs'],
    ['redis', 'REDIS_URL', 'bullmq-minimal.mjs'],
  ]) {
    const dir = projects[`worker-${source}`];
    if (!process.env[variable] || !dir) {
      rows.push({ source, skipped: `${variable} is unset` });
      continue;
    }
    await copyFile(new URL(minimal, FIXTURES), join(dir, minimal));
    const ours = [];
    const theirs = [];
    const stops = [];
    for (let i = 0; i < reps; i += 1) {
      const tag = `${process.pid}_${i}`;
      theirs.push(await throughput({ source, dir, script: minimal, count: jobs, concurrency, tag: `${tag}_m` }));
      ours.push(await throughput({ source, dir, script: 'dist/main.js', count: jobs, concurrency, tag: `${tag}_o` }));
      stops.push(await busyStop({ source, dir, concurrency, tag: `${tag}_s` }));
    }
    log(`worker ${source}: ${reps} runs`);
    rows.push({
      source,
      library: source === 'postgres' ? 'pg-boss' : 'BullMQ',
      oursPerS: median(ours),
      theirsPerS: median(theirs),
      oursOverMinimal: median(ours) / median(theirs),
      busyExitMs: median(stops.map((s) => s.exitMs)),
      codes: [...new Set(stops.map((s) => s.code))].join('/'),
      unfinished: stops.reduce((n, s) => n + s.unfinished, 0),
    });
  }
  return rows;
}

// Standalone: node bench/lib/worker-queues.mjs <postgres project> <redis project> [jobs] [reps]
// (built generated projects); prints the markdown table of BENCHMARKS.md, then the rows as JSON.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { workerSourcesTable } = await import('./report.mjs');
  const [postgres, redis, jobs = '2000', reps = '3'] = process.argv.slice(2);
  const rows = await measureWorkerSources({
    projects: { 'worker-postgres': postgres, 'worker-redis': redis },
    reps: Number(reps),
    jobs: Number(jobs),
    concurrency: 8,
    log: (line) => process.stderr.write(`bench: ${line}\n`),
  });
  process.stdout.write(`${workerSourcesTable(rows)}\n\n${JSON.stringify(rows, null, 2)}\n`);
}
