#!/usr/bin/env node
// `node bench/generation.mjs [--reps N] [--templates a,b] [--baseline <other checkout>]`: how long create-loopsvc takes to
// generate a project (no install, no git) against create-vite on this machine, and how long until
// its first prompt appears in a terminal. Runs the built CLI of this checkout (`npm run build`
// first) and create-vite pinned in bench/package.json "scaffolders", installed into
// bench/node_modules (`npm install --no-save`, the lockfile is left as it is) when missing.
// The runs are interleaved (ours, vite, ours, vite, ...) so a noisy moment on a loaded machine
// does not land on one tool only; one warm-up run of each is not counted (it fills Node's
// compile cache, which every later run of ours uses). Prints medians and the ratio ours / vite,
// of the wall clock and of the CPU time each process used (bench/lib/cpu-at-exit.mjs, preloaded
// into both alike), which a loaded machine stretches far less, and the time per file written above
// an empty node's (timed in the same rounds). --baseline adds the http-fastify
// row of another built checkout (an older commit, say), timed in the same rounds. --dir <folder>
// runs everything in a folder of another file system (the default is the temporary folder).
//
// Every run's project stays until the end: on an ext4 without a journal (this VM's disk) the
// inodes of files deleted in the last minute or more are skipped, one by one, whenever a file is
// created, so a removal between runs made each next run pay for the one before it (88 files took
// 5 ms after 3,000 removals and 176 ms after 10,000, scripted on this machine). The cost of
// creating a file where the runs write is measured first and printed with the table.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, statfsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { median, timeRun } from './lib/proc.mjs';

const BENCH = fileURLToPath(new URL('.', import.meta.url));
const REPO = join(BENCH, '..');
const OURS = join(REPO, 'index.js');
const CPU_PRELOAD = join(BENCH, 'lib', 'cpu-at-exit.mjs');
const MAX_REPS = 100;
const PROMPT_TIMEOUT_MS = 10_000;

const log = (line) => process.stderr.write(`bench: ${line}\n`);

async function createVite() {
  const { scaffolders } = JSON.parse(await readFile(join(BENCH, 'package.json'), 'utf8'));
  const version = scaffolders['create-vite'];
  const dir = join(BENCH, 'node_modules', 'create-vite');
  const installed = existsSync(join(dir, 'package.json')) ? JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')).version : undefined;
  if (installed !== version) {
    log(`installing create-vite@${version} into bench/node_modules`);
    const r = spawnSync('npm', ['install', '--no-save', '--no-audit', '--no-fund', `create-vite@${version}`], { cwd: BENCH, stdio: 'inherit' });
    if (r.status !== 0) throw new Error('npm install create-vite in bench/ failed; run it there by hand to see why');
  }
  return { version, bin: join(dir, 'index.js') };
}

/** The file system a folder is on, by the magic number statfs reports (Linux's; others by number). */
function fileSystemOf(dir) {
  const names = { 0xef53: 'ext2/3/4', 0x01021994: 'tmpfs', 0x9123683e: 'btrfs', 0x58465342: 'xfs', 0x794c7630: 'overlayfs', 0x2fc12fc1: 'zfs', 0x6969: 'nfs' };
  const { type } = statfsSync(dir);
  return names[type] ?? `type 0x${type.toString(16)}`;
}

/** Microseconds to create an empty file in `dir` (a new folder of it), median of 200 (kept, as the runs' files are). */
async function fileCreationMicros(dir) {
  await mkdir(dir);
  const each = [];
  for (let n = 0; n < 200; n += 1) {
    const t0 = process.hrtime.bigint();
    closeSync(openSync(join(dir, String(n)), 'wx'));
    each.push(Number(process.hrtime.bigint() - t0) / 1000);
  }
  return median(each);
}

/** Counts the files a run wrote: a run that wrote nothing is a failed measurement, not a fast one. */
async function fileCount(dir) {
  let n = 0;
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) if (e.isFile()) n += 1;
  return n;
}

/**
 * Milliseconds from spawn until `marker` appears on the terminal of `command` run under util-linux
 * `script` (a real pseudo-terminal, as a person would run it); the process group is killed then.
 */
function timeToOutput(command, marker, cwd) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn('script', ['-qfec', command, '/dev/null'], { cwd, env: { ...process.env, NO_COLOR: '1', TERM: 'dumb' }, stdio: ['pipe', 'pipe', 'ignore'], detached: true });
    let seen = '';
    const stop = () => {
      clearTimeout(timer);
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`no "${marker}" within ${PROMPT_TIMEOUT_MS} ms from: ${command}\n${seen.slice(-500)}`));
    }, PROMPT_TIMEOUT_MS);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      seen += chunk;
      if (!seen.includes(marker)) return;
      const ms = performance.now() - t0;
      stop();
      resolve(ms);
    });
    child.once('error', (error) => {
      stop();
      reject(error);
    });
  });
}

const fmt = (v) => (v < 10 ? v.toFixed(1) : Math.round(v).toString());
const row = (cells) => `| ${cells.join(' | ')} |`;

async function main() {
  const { values } = parseArgs({ options: { reps: { type: 'string', default: '15' }, templates: { type: 'string', default: 'http-fastify,telegram-grammy,worker' }, baseline: { type: 'string' }, dir: { type: 'string' } } });
  const reps = Math.min(MAX_REPS, Math.max(1, Number.parseInt(values.reps, 10) || 15));
  if (!existsSync(join(REPO, 'dist', 'index.mjs'))) throw new Error('dist/index.mjs is missing: run `npm run build` first');
  const vite = await createVite();
  const commands = [
    // --yes as create-vite's --no-interactive: both are told to ask nothing and take the defaults
    ...values.templates.split(',').map((template) => ({ label: `create-loopsvc --template ${template} --yes`, args: [OURS, 'app', '--template', template, '--no-install', '--no-git', '--yes'] })),
    ...(values.baseline ? [{ label: `baseline ${values.baseline} --template http-fastify --yes`, args: [join(values.baseline, 'index.js'), 'app', '--template', 'http-fastify', '--no-install', '--no-git', '--yes'] }] : []),
    // everything but the writing (options, render, record, the check of the whole plan): how the
    // rest of a run compares, apart from the files (a project is about seven times create-vite's)
    { label: 'create-loopsvc --template http-fastify --yes --dry-run', writes: false, args: [OURS, 'app', '--template', 'http-fastify', '--no-install', '--no-git', '--yes', '--dry-run'] },
    { label: `create-vite@${vite.version} --template vanilla-ts`, vite: true, args: [vite.bin, 'app', '--template', 'vanilla-ts', '--no-interactive', '--no-immediate'] },
    // an empty node with the same preload, in the same rounds: what neither tool can go below,
    // taken off each run for the time per written file
    { label: 'node -e "" (floor)', writes: false, floor: true, args: ['-e', ''] },
  ];
  const root = await mkdtemp(join(values.dir ?? tmpdir(), 'create-loopsvc-genbench-'));
  try {
    const where = `${fileSystemOf(root)}, ${(await fileCreationMicros(join(root, 'probe'))).toFixed(0)} µs to create a file there before the runs (median of 200)`;
    // generation: interleaved, one uncounted warm-up round
    const times = new Map(commands.map((c) => [c.label, []]));
    const filesOf = new Map();
    for (let i = 0; i <= reps; i += 1) {
      for (const [k, c] of commands.entries()) {
        const cwd = join(root, `${i}-${k}`);
        await mkdir(cwd);
        const cpuFile = join(root, `cpu-${i}-${k}`);
        const ms = await timeRun(process.execPath, ['--import', CPU_PRELOAD, ...c.args], { cwd, env: { NO_COLOR: '1', LOOPSVC_BENCH_CPU_FILE: cpuFile }, timeoutMs: 60_000 });
        const written = c.writes === false ? 0 : await fileCount(join(cwd, 'app'));
        if (c.writes !== false && written === 0) throw new Error(`${c.label} wrote no file`);
        filesOf.set(c.label, written);
        const cpu = Number.parseFloat(await readFile(cpuFile, 'utf8'));
        if (i > 0) times.get(c.label).push({ ms, cpu });
      }
    }
    // start-up: an empty node, --help, and the first prompt in a terminal (interleaved too)
    const empty = join(root, 'prompt');
    await mkdir(empty);
    const starts = [
      { label: 'node -e "" (floor)', time: () => timeRun(process.execPath, ['-e', ''], { cwd: empty }) },
      { label: 'create-loopsvc --help', time: () => timeRun(process.execPath, [OURS, '--help'], { cwd: empty }) },
      { label: 'create-vite --help', time: () => timeRun(process.execPath, [vite.bin, '--help'], { cwd: empty }) },
      { label: 'terminal: empty node prints (floor)', time: () => timeToOutput(`${process.execPath} -e "process.stdout.write('READY')"`, 'READY', empty) },
      { label: 'terminal: create-loopsvc first prompt', first: true, time: () => timeToOutput(`${process.execPath} ${OURS}`, 'Template', empty) },
    ];
    const startTimes = new Map(starts.map((s) => [s.label, []]));
    for (let i = 0; i <= reps; i += 1) for (const s of starts) {
      const ms = await s.time();
      if (i > 0) startTimes.get(s.label).push(ms);
    }

    const viteCommand = commands.find((c) => c.vite);
    const viteRuns = times.get(viteCommand.label);
    const floorWall = median(times.get(commands.find((c) => c.floor).label).map((r) => r.ms));
    const perFile = (c) => (median(times.get(c.label).map((r) => r.ms)) - floorWall) / filesOf.get(c.label);
    const viteWall = median(viteRuns.map((r) => r.ms));
    const viteCpu = median(viteRuns.map((r) => r.cpu));
    const lines = [
      `Generation without install or git, ${reps} interleaved runs after one warm-up; node ${process.version}, ${availableParallelism()} CPUs; projects written to ${where}:`,
      '',
      row(['command', 'files', 'wall median ms', 'wall min ms', 'wall vs create-vite', 'CPU median ms', 'CPU vs create-vite', 'ms a file, above the floor', 'a file vs create-vite']),
      row(['---', '---', '---', '---', '---', '---', '---', '---', '---']),
      ...commands.map((c) => {
        const wall = times.get(c.label).map((r) => r.ms);
        const cpu = times.get(c.label).map((r) => r.cpu);
        const file = filesOf.get(c.label) > 0 ? [perFile(c).toFixed(2), `${(perFile(c) / perFile(viteCommand)).toFixed(2)}×`] : ['', ''];
        return row([c.label, String(filesOf.get(c.label)), fmt(median(wall)), fmt(Math.min(...wall)), `${(median(wall) / viteWall).toFixed(2)}×`, fmt(median(cpu)), `${(median(cpu) / viteCpu).toFixed(2)}×`, ...file]);
      }),
      '',
      '"ms a file, above the floor": the wall median less that of an empty node (same preload, same rounds), over the files written.',
      '',
      'Start-up (same rounds; "terminal" rows run under util-linux `script`, a pseudo-terminal, until the text appears):',
      '',
      row(['run', 'median ms', 'min ms']),
      row(['---', '---', '---']),
      ...starts.map((s) => row([s.label, fmt(median(startTimes.get(s.label))), fmt(Math.min(...startTimes.get(s.label)))])),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

main().catch((err) => {
  process.stderr.write(`bench: failed: ${err?.stack ?? err}\n`);
  process.exitCode = 1;
});
