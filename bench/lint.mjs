#!/usr/bin/env node
// `node bench/lint.mjs <project> [--baseline <git-ref>] [--reps 5]`: how long `eslint .` takes in
// a generated (and installed) project with this checkout's loop rules, and with the loop rules of
// <git-ref> (default: the commit before issue 11's type-aware rules) swapped into the same
// project, the runs of the two alternating. Prints the median wall time of each and ESLint's own
// per-rule TIMING for the current rules. The project's eslint/loop-rules folder is restored afterwards.
import { execFileSync, spawnSync } from 'node:child_process';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const REPO = path.join(fileURLToPath(new URL('.', import.meta.url)), '..');
const RULES = 'templates/_shared/base/eslint/loop-rules';
const { values, positionals } = parseArgs({ options: { baseline: { type: 'string', default: '42c8201' }, reps: { type: 'string', default: '5' } }, allowPositionals: true });
const project = positionals[0];
if (!project) {
  process.stderr.write('usage: node bench/lint.mjs <generated-project> [--baseline <git-ref>] [--reps 5]\n');
  process.exit(2);
}
const reps = Number(values.reps);
const eslintBin = path.join(project, 'node_modules/eslint/bin/eslint.js');

function lintOnce(env = {}) {
  const started = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [eslintBin, '.'], { cwd: project, encoding: 'utf8', env: { ...process.env, ...env } });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  return { ms, code: r.status, out: r.stdout };
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function useRules(dir) {
  await rm(path.join(project, 'eslint/loop-rules'), { recursive: true, force: true });
  await cp(dir, path.join(project, 'eslint/loop-rules'), { recursive: true });
}

/** Runs alternate between the rulesets so that a change of machine load hits both alike. */
async function compare(sets) {
  const runs = new Map(sets.map(([label]) => [label, []]));
  for (const [, dir] of sets) {
    await useRules(dir);
    lintOnce(); // warm the file system cache
  }
  for (let i = 0; i < reps; i++) {
    for (const [label, dir] of sets) {
      await useRules(dir);
      runs.get(label).push(lintOnce());
    }
  }
  for (const [label, list] of runs) {
    const problems = (list[0].out.match(/✖ (\d+) problems?/) ?? [])[1] ?? '0';
    console.log(`| ${label} | ${Math.round(median(list.map((r) => r.ms)))} ms | ${Math.round(Math.min(...list.map((r) => r.ms)))} ms | ${problems} |`);
  }
}

const scratch = await mkdtemp(path.join(tmpdir(), 'loopsvc-lint-bench-'));
const saved = path.join(scratch, 'saved');
await cp(path.join(project, 'eslint/loop-rules'), saved, { recursive: true });
try {
  const baseline = path.join(scratch, 'baseline');
  const archive = execFileSync('git', ['-C', REPO, 'archive', values.baseline, RULES]);
  execFileSync('tar', ['-x', '-C', scratch], { input: archive });
  await cp(path.join(scratch, RULES), baseline, { recursive: true });
  console.log(`eslint . in ${project}, ${reps} runs each (median, best), ${process.version}`);
  console.log('| loop rules | median | best | problems |\n| --- | ---: | ---: | ---: |');
  await compare([
    [`before (${values.baseline})`, baseline],
    ['after (this checkout)', path.join(REPO, RULES)],
  ]);
  await useRules(path.join(REPO, RULES));
  const timing = lintOnce({ TIMING: '8' });
  console.log(`\nESLint TIMING (after), slowest rules:\n${timing.out.slice(timing.out.indexOf('Rule'))}`);
} finally {
  await rm(path.join(project, 'eslint/loop-rules'), { recursive: true, force: true });
  await cp(saved, path.join(project, 'eslint/loop-rules'), { recursive: true });
  await rm(scratch, { recursive: true, force: true });
}
