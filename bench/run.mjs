#!/usr/bin/env node
// `npm run bench [-- --quick] [-- --write] [-- --keep]`: measures create-loopsvc against its peers
// in one run on this machine and prints markdown tables. --quick: fewer repetitions and shorter
// loads (under five minutes). --write: also rewrites BENCHMARKS.md. --keep: keep the run folder.
// Everything runs on 127.0.0.1; the only downloads are npm packages (pinned in bench/package.json).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const BENCH = fileURLToPath(new URL('.', import.meta.url));
const REPO = join(BENCH, '..');

const MODES = {
  quick: {
    generationReps: 5,
    http: { rounds: 2, durationS: 5, connections: 50 },
    shutdown: { reps: 2, loadMs: 1_500, connections: 8 },
    bot: { reps: 1, updates: 20, replyDelayMs: 100 },
    worker: { reps: 1, jobs: 40, mailLatencyMs: 200, concurrency: 4 },
    workerSources: { reps: 1, jobs: 200, concurrency: 8 },
  },
  full: {
    generationReps: 15,
    http: { rounds: 5, durationS: 15, connections: 50 },
    shutdown: { reps: 5, loadMs: 3_000, connections: 8 },
    bot: { reps: 3, updates: 30, replyDelayMs: 100 },
    worker: { reps: 3, jobs: 60, mailLatencyMs: 200, concurrency: 4 },
    workerSources: { reps: 3, jobs: 500, concurrency: 8 },
  },
};

const log = (line) => process.stderr.write(`bench: ${line}\n`);

function sh(cmd, args, cwd) {
  return spawnSync(cmd, args, { cwd, encoding: 'utf8' }).stdout?.trim();
}

/** bench/ has its own pinned dependencies (autocannon, fastify, grammy, undici): install them once. */
function ensureBenchDeps(pkg) {
  const missing = Object.keys(pkg.dependencies).filter((d) => !existsSync(join(BENCH, 'node_modules', d, 'package.json')));
  if (missing.length === 0) return;
  log(`installing the benchmark's pinned dependencies (${missing.join(', ')}) into bench/node_modules`);
  const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: BENCH, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('npm ci in bench/ failed; run it there by hand to see why');
}

async function main() {
  const { values } = parseArgs({ options: { quick: { type: 'boolean' }, write: { type: 'boolean' }, keep: { type: 'boolean' } } });
  const mode = values.quick ? 'quick' : 'full';
  const params = MODES[mode];
  const startedAt = performance.now();

  // 1. Dependencies of the benchmark itself, and our built CLI.
  const benchPkg = JSON.parse(await readFile(join(BENCH, 'package.json'), 'utf8'));
  ensureBenchDeps(benchPkg);
  if (!existsSync(join(REPO, 'dist', 'index.mjs'))) throw new Error('dist/index.mjs is missing: run `npm run build` first');
  const { installScaffolders } = await import('./lib/peers.mjs');
  const { timeGeneration } = await import('./lib/scaffold.mjs');
  const { prepareProjects, installedVersion } = await import('./lib/projects.mjs');
  const { measureHttp } = await import('./lib/http.mjs');
  const { measureHttpShutdown } = await import('./lib/shutdown-http.mjs');
  const { measureBots } = await import('./lib/bot.mjs');
  const { measureWorker } = await import('./lib/worker.mjs');
  const { measureWorkerSources } = await import('./lib/worker-queues.mjs');
  const { renderReport } = await import('./lib/report.mjs');

  const root = await mkdtemp(join(tmpdir(), 'create-loopsvc-bench-'));
  log(`${mode} run in ${root}`);
  try {
    // 2. Scaffolding: footprint of each CLI installed alone, then generation time.
    const installs = await installScaffolders({ root, repo: REPO, scaffolders: benchPkg.scaffolders, log });
    const generation = await timeGeneration({ root, installs, reps: params.generationReps, log });

    // 3. The projects the runtime measurements start (npm install from the registry, build).
    const projects = await prepareProjects({ root, installs, log });

    // 4. Runtime: HTTP load, shutdowns, event-loop delay.
    const http = await measureHttp({ projects, ...params.http, log });
    const httpShutdown = await measureHttpShutdown({ projects, ...params.shutdown, log });
    const bots = await measureBots({ projects, ...params.bot, log });
    const worker = await measureWorker({ projects, ...params.worker, log });
    const workerSources = await measureWorkerSources({ projects, ...params.workerSources, log });
    const loop = [
      ...http.map((r) => ({ label: r.label, load: `autocannon ${params.http.connections} conns`, p99: r.loopP99, max: r.loopMax })),
      ...httpShutdown.filter((r) => r.loaded).map((r) => ({ label: r.label, load: 'recorded load + SIGTERM', p99: r.loopP99, max: r.loopMax })),
      ...bots.map((r) => ({ label: r.label, load: 'update batch + SIGTERM', p99: r.loopP99, max: r.loopMax })),
      { label: worker.label, load: 'jobs + SIGTERM', p99: worker.loopP99, max: worker.loopMax },
    ];

    // 5. Report.
    const version = async (dir, pkg) => (await installedVersion(dir, pkg)) ?? 'n/a';
    const ourVersion = JSON.parse(await readFile(join(REPO, 'package.json'), 'utf8')).version;
    const commit = sh('git', ['rev-parse', '--short', 'HEAD'], REPO) ?? 'n/a';
    const dirty = sh('git', ['status', '--porcelain'], REPO) ? ' (with uncommitted changes)' : '';
    const header = [
      `- mode: ${mode}, ${Math.round((performance.now() - startedAt) / 1000)} s; create-loopsvc ${ourVersion} at ${commit}${dirty}`,
      `- machine: ${availableParallelism()} CPUs (${cpus()[0]?.model.trim()}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Linux ${release()}; node ${process.version}, npm ${sh('npm', ['--version'], REPO)}`,
      `- scaffolders: ${installs.map((i) => `${i.name}@${i.version}`).join(', ')}`,
      `- bench tools: ${Object.entries(benchPkg.dependencies).map(([n, v]) => `${n}@${v}`).join(', ')}`,
      `- generated projects resolved: fastify@${await version(projects.http, 'fastify')}, @fastify/under-pressure@${await version(projects.http, '@fastify/under-pressure')}, close-with-grace@${await version(projects.http, 'close-with-grace')}, grammy@${await version(projects.bot, 'grammy')}, @grammyjs/runner@${await version(projects['bot-runner'], '@grammyjs/runner')}; create-fastify project: fastify@${await version(projects['create-fastify'], 'fastify')}, fastify-cli@${await version(projects['create-fastify'], 'fastify-cli')}`,
    ].join('\n');
    const report = renderReport({ header, params, installs, generation, http, httpShutdown, bots, worker, workerSources, loop });
    process.stdout.write(`${report}\n`);
    if (values.write) await writeBenchmarks(report, mode);
    log(`done in ${Math.round((performance.now() - startedAt) / 1000)} s`);
  } finally {
    if (values.keep) log(`kept ${root}`);
    else await rm(root, { recursive: true, force: true });
  }
}

/** Replaces everything from "## Results" on in BENCHMARKS.md, keeping the hand-written top part. */
async function writeBenchmarks(report, mode) {
  const file = join(REPO, 'BENCHMARKS.md');
  const current = existsSync(file) ? await readFile(file, 'utf8') : '# Benchmarks\n\n';
  const top = current.split('\n## Results\n')[0].trimEnd();
  const command = ['node bench/run.mjs', ...process.argv.slice(2)].join(' '); // what `npm run bench --` runs after the build
  await writeFile(file, `${top}\n\n${report.replace('## Results\n', `## Results\n\nProduced by \`${command}\` (${mode} mode).\n`)}`);
  log(`wrote ${file}`);
}

main().catch((err) => {
  process.stderr.write(`bench: failed: ${err?.stack ?? err}\n`);
  process.exitCode = 1;
});
