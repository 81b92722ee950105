import { access, appendFile, cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { templatesPack } from '../../scripts/pack-templates.mjs';
import { REPO_ROOT, listFiles, removeDir, tempDir } from '../helpers/paths.js';
import { commitAll, conflictingEdit, GIT_ENV, takeTheirs } from '../update/helpers.js';

/**
 * `create-loopsvc update` on real history: a real earlier commit of this repository is packed
 * (git archive, npm ci, build, npm pack), services are generated with that package and edited the
 * way a user would, then the current package updates them, and they install, build, lint, check
 * and test. The template changes the checks rely on are computed from the two versions' own
 * renders; when the templates of the two commits barely differ (at the commit this test was
 * written on), a test-only change is added to a copy of the current templates, packed into the
 * unpacked current package (its dist/templates.pack is what its CLI reads), so the conflict
 * and the "template change arrives" cases are always exercised.
 */
const EARLIER_COMMIT = '42c8201';
const MINUTES = 60_000;
const SKIP_IN_DIFF = new Set(['package.json', 'README.md', '.loopsvc.json', 'src/routes/index.ts', 'src/handlers/index.ts', 'src/jobs/index.ts']);

let work: string;
let earlier: string; // the earlier commit's packed tarball
let current: string; // the current package, unpacked: <current>/index.js is its CLI
let templates: string; // a copy of templates/, where the test-only changes go before they are packed into <current>
const injected: string[] = [];

async function sh(cmd: string, args: string[], cwd: string, timeout = 10 * MINUTES) {
  const r = await execa(cmd, args, { cwd, env: { ...GIT_ENV, npm_config_user_agent: '' }, all: true, reject: false, timeout });
  return { code: r.exitCode ?? -1, out: String(r.all) };
}

async function ok(cmd: string, args: string[], cwd: string, timeout?: number): Promise<string> {
  const r = await sh(cmd, args, cwd, timeout);
  expect(r.code, `${cmd} ${args.join(' ')} in ${cwd}:\n${r.out}`).toBe(0);
  return r.out;
}

/** The earlier commit, packed once per commit (kept in the temp folder between runs). */
async function packEarlier(): Promise<string> {
  const found = await sh('git', ['rev-parse', '--verify', '--quiet', `${EARLIER_COMMIT}^{commit}`], REPO_ROOT);
  if (found.code !== 0) throw new Error(`this test packs commit ${EARLIER_COMMIT} of this repository, which the clone lacks; run git fetch --unshallow`);
  const sha = found.out.trim();
  const cache = path.join(tmpdir(), `loopsvc-earlier-${sha}`);
  const tarball = path.join(cache, 'create-loopsvc.tgz');
  if (await access(tarball).then(() => true, () => false)) return tarball;
  const source = path.join(cache, `src-${process.pid}`);
  await mkdir(source, { recursive: true });
  await execa('sh', ['-c', `git archive ${sha} | tar -x -C "${source}"`], { cwd: REPO_ROOT });
  await ok('npm', ['ci', '--no-audit', '--no-fund', '--prefer-offline'], source);
  await ok('npm', ['run', 'build'], source);
  const packed = JSON.parse(await ok('npm', ['pack', '--json', '--pack-destination', source], source)) as Array<{ filename: string }>;
  await execa('mv', [path.join(source, packed[0]!.filename), tarball]);
  await removeDir(source);
  return tarball;
}

/** Runs the earlier package's CLI, as `npm exec` runs a published version. */
const old = (args: string[], cwd: string) => sh('npm', ['exec', '--yes', '--package', earlier, '--', 'create-loopsvc', ...args], cwd);
const now = (args: string[], cwd: string) => sh('node', [path.join(current, 'index.js'), ...args], cwd);

/** What a version generates for `args`, as path → text. */
async function renderWith(run: typeof old, args: string[], name = 'svc'): Promise<Map<string, string>> {
  const dir = await tempDir('loopsvc-render-');
  try {
    const r = await run(['svc', ...args, '--name', name, '--no-install', '--no-git'], dir);
    expect(r.code, r.out).toBe(0);
    const root = path.join(dir, 'svc');
    return new Map(await Promise.all((await listFiles(root)).map(async (f) => [f, await readFile(path.join(root, f), 'utf8')] as const)));
  } finally {
    await removeDir(dir);
  }
}

/** Source files (.ts under src/ or test/) the two renders both have, split by whether they differ. */
function compare(before: Map<string, string>, after: Map<string, string>) {
  const shared = [...before.keys()].filter((f) => after.has(f) && /^(src|test)\/.*\.ts$/.test(f) && !SKIP_IN_DIFF.has(f)).sort();
  return { changed: shared.filter((f) => before.get(f) !== after.get(f)), unchanged: shared.filter((f) => before.get(f) === after.get(f)) };
}

/**
 * Makes sure the current templates change at least two source files of `args`' render: when they
 * do not, a comment is appended to the template file each unchanged one comes from (test-only,
 * in the copy of templates/), and the copy is packed into the unpacked current package.
 */
async function ensureTemplateChanges(args: string[]): Promise<void> {
  const before = await renderWith(old, args);
  const { changed, unchanged } = compare(before, await renderWith(now, args));
  let missing = Math.max(0, 2 - changed.length);
  for (const file of unchanged) {
    if (missing === 0) break;
    const source = await templateSource(file, before.get(file)!);
    if (!source) continue;
    missing -= 1;
    await appendFile(source, `\n// A change the template makes (added by test/e2e/update.test.ts: ${EARLIER_COMMIT} and now render ${file} alike).\n`);
    injected.push(path.relative(templates, source));
  }
  if (injected.length > 0) await writeFile(path.join(current, 'dist', 'templates.pack'), (await templatesPack(templates)).pack);
}

async function templateSource(file: string, contents: string): Promise<string | undefined> {
  for (const candidate of await listFiles(templates)) {
    if (candidate.endsWith(file) && (await readFile(path.join(templates, candidate), 'utf8')) === contents) return path.join(templates, candidate);
  }
  return undefined; // rendered from a .hbs file: not used for the test-only change
}

/** The user's edits to one generated service; returns what the checks after the update need. */
async function editAsAUser(svc: string, before: Map<string, string>, after: Map<string, string>, conflict: boolean) {
  const { changed, unchanged } = compare(before, after);
  expect(changed.length, 'the templates change at least two source files').toBeGreaterThanOrEqual(2);
  const kept = unchanged.find((f) => f.startsWith('src/'))!;
  await appendFile(path.join(svc, kept), '// our note: kept by update, because the template did not change this file\n');
  const conflicted = conflict ? changed[0] : undefined;
  if (conflicted) await writeFile(path.join(svc, conflicted), conflictingEdit(before.get(conflicted)!, after.get(conflicted)!, '// ours'));
  const arrives = changed.filter((f) => f !== conflicted);
  // a changed setting: a script of our own and a changed one
  const pkgFile = path.join(svc, 'package.json');
  const pkg = JSON.parse(await readFile(pkgFile, 'utf8')) as { scripts: Record<string, string> };
  pkg.scripts['start:inspect'] = 'node --inspect dist/main.js';
  pkg.scripts.dev = `${pkg.scripts.dev} --clear-screen=false`;
  await writeFile(pkgFile, `${JSON.stringify(pkg, null, 2)}\n`);
  await commitAll(svc, 'our changes');
  return { kept, keptText: await readFile(path.join(svc, kept), 'utf8'), conflicted, arrives, dev: pkg.scripts.dev };
}

type Edits = Awaited<ReturnType<typeof editAsAUser>>;

async function checkUpdated(svc: string, after: Map<string, string>, edits: Edits): Promise<void> {
  for (const file of edits.arrives) expect(await readFile(path.join(svc, file), 'utf8'), `${file}: the template's change arrived`).toBe(after.get(file));
  expect(await readFile(path.join(svc, edits.kept), 'utf8'), `${edits.kept}: the user's note stayed`).toBe(edits.keptText);
  const pkg = JSON.parse(await readFile(path.join(svc, 'package.json'), 'utf8')) as { scripts: Record<string, string>; devDependencies: Record<string, string> };
  const theirs = JSON.parse(after.get('package.json')!) as { devDependencies: Record<string, string> };
  expect(pkg.scripts['start:inspect']).toBe('node --inspect dist/main.js');
  expect(pkg.scripts.dev).toBe(edits.dev);
  expect(pkg.devDependencies).toEqual(theirs.devDependencies);
  await access(path.join(svc, '.loopsvc.json'));
}

/** Resolves every conflict by taking the template's side, then commits. */
async function resolve(svc: string, files: string[]): Promise<void> {
  for (const file of files) {
    const text = await readFile(path.join(svc, file), 'utf8');
    expect(text, file).toMatch(/^<<<<<<< yours$/m);
    await writeFile(path.join(svc, file), takeTheirs(text));
  }
  await commitAll(svc, 'update to the current templates');
}

/** What a user runs after the update: every script the generated README lists. */
async function buildLintCheckTest(svc: string, installDir = svc): Promise<void> {
  if (installDir === svc) await ok('npm', ['install', '--no-audit', '--no-fund'], installDir);
  for (const script of ['build', 'typecheck', 'lint', 'check', 'test']) await ok('npm', ['run', script], svc);
}

function conflictedFiles(out: string): string[] {
  return [...out.matchAll(/^ {2}conflict (\S+)/gm)].map((m) => m[1]!);
}

beforeAll(async () => {
  work = await tempDir('loopsvc-update-e2e-');
  earlier = await packEarlier();
  const packed = JSON.parse(await ok('npm', ['pack', '--json', '--pack-destination', work], REPO_ROOT)) as Array<{ filename: string }>;
  await ok('tar', ['-xzf', packed[0]!.filename], work);
  current = path.join(work, 'package');
  templates = path.join(work, 'templates');
  await cp(path.join(REPO_ROOT, 'templates'), templates, { recursive: true });
  for (const args of [['--template', 'http-fastify'], ['--template', 'telegram-grammy', '--mode', 'polling'], ['--template', 'worker']]) await ensureTemplateChanges(args);
  if (injected.length > 0) console.info(`test-only template changes: ${injected.join(', ')}`);
}, 20 * MINUTES);

afterAll(() => removeDir(work));

describe(`a service generated by ${EARLIER_COMMIT}, edited, then updated`, () => {
  it('keeps the user\'s changes, brings the template\'s, marks the conflict; then installs, builds, lints, checks and tests', async () => {
    const args = ['--template', 'http-fastify'];
    const [before, after] = [await renderWith(old, args, 'orders'), await renderWith(now, args, 'orders')];
    await ok('npm', ['exec', '--yes', '--package', earlier, '--', 'create-loopsvc', 'orders', ...args, '--no-install'], work);
    const svc = path.join(work, 'orders');
    // an own route, added the way the earlier version offers
    expect((await old(['add', 'route', 'recent'], svc)).code).toBe(0);
    const edits = await editAsAUser(svc, before, after, true);

    const dryRun = await now(['update', '--dry-run', '--from-package', earlier], svc);
    expect(dryRun.code, dryRun.out).toBe(3);
    expect(dryRun.out).toContain(`diff --git a/${edits.conflicted} b/${edits.conflicted}`);
    expect(await sh('git', ['status', '--porcelain'], svc)).toEqual({ code: 0, out: '' });

    const update = await now(['update', '--from-package', earlier], svc);
    expect(update.code, update.out).toBe(3);
    const conflicts = conflictedFiles(update.out);
    expect(conflicts).toContain(edits.conflicted);
    expect(update.out).toContain(`conflicts marked in ${conflicts.join(', ')}`);
    await checkUpdated(svc, after, edits);
    expect(await listFiles(svc)).toEqual(expect.arrayContaining(['src/routes/recent.ts', 'test/routes/recent.test.ts']));
    expect(await readFile(path.join(svc, 'src/routes/index.ts'), 'utf8')).toContain("from './recent.js'");

    await resolve(svc, conflicts);
    expect(await readFile(path.join(svc, edits.conflicted!), 'utf8')).toBe(after.get(edits.conflicted!));
    const again = await now(['update'], svc);
    expect(again.code, again.out).toBe(0);
    expect(again.out).toContain('. is up to date');
    await buildLintCheckTest(svc);
  }, 30 * MINUTES);
});

describe(`a monorepo of three services generated by ${EARLIER_COMMIT}, updated with --all`, () => {
  it('updates each, one summary, then one install at the root and every service builds, lints, checks and tests', async () => {
    const root = path.join(work, 'acme');
    await mkdir(path.join(root, 'apps'), { recursive: true });
    await writeFile(path.join(root, 'package.json'), `${JSON.stringify({ name: 'acme', private: true, workspaces: ['apps/*'] }, null, 2)}\n`);
    await writeFile(path.join(root, '.gitignore'), 'node_modules\ndist\n');
    await ok('git', ['init', '--quiet'], root);
    const services = [
      { dir: 'orders', args: ['--template', 'http-fastify'], conflict: false },
      { dir: 'bot', args: ['--template', 'telegram-grammy', '--mode', 'polling'], conflict: true },
      { dir: 'jobs', args: ['--template', 'worker'], conflict: false },
    ];
    const checks = [];
    for (const s of services) {
      expect((await old([s.dir, ...s.args, '--name', `@acme/${s.dir}`, '--no-install'], root)).code).toBe(0);
      const svc = path.join(root, 'apps', s.dir);
      const name = `@acme/${s.dir}`;
      const edits = await editAsAUser(svc, await renderWith(old, s.args, name), await renderWith(now, s.args, name), s.conflict);
      checks.push({ ...s, svc, name, edits });
    }

    const update = await now(['update', '--all', '--from-package', earlier], root);
    expect(update.code, update.out).toBe(3);
    expect(update.out).toMatch(/^3 services:$/m);
    for (const c of checks) {
      expect(update.out).toMatch(new RegExp(`^ {2}apps/${c.dir}: \\d+ files?${c.conflict ? ', conflicts in ' : '$'}`, 'm'));
      await checkUpdated(c.svc, await renderWith(now, c.args, c.name), c.edits);
    }
    const bot = checks[1]!;
    const conflicts = update.out.match(/apps\/bot: .*conflicts in (.*)$/m)?.[1]?.split(', ') ?? [];
    expect(conflicts).toContain(bot.edits.conflicted);
    await resolve(bot.svc, conflicts);
    for (const c of checks.filter((c) => !c.conflict)) await commitAll(c.svc, 'update').catch(() => undefined);

    await ok('npm', ['install', '--no-audit', '--no-fund'], root);
    for (const c of checks) await buildLintCheckTest(c.svc, root);
  }, 40 * MINUTES);
});

describe(`an option switch on a bot generated by ${EARLIER_COMMIT}: --mode polling to --mode webhook`, () => {
  it('switches, keeps the user\'s note, then installs, builds, lints, checks and tests', async () => {
    await ok('npm', ['exec', '--yes', '--package', earlier, '--', 'create-loopsvc', 'bot', '--template', 'telegram-grammy', '--mode', 'polling', '--no-install'], work);
    const svc = path.join(work, 'bot');
    const webhook = await renderWith(now, ['--template', 'telegram-grammy', '--mode', 'webhook'], 'bot');
    // the note goes in a file the switch leaves alone
    const { unchanged } = compare(await renderWith(old, ['--template', 'telegram-grammy', '--mode', 'polling'], 'bot'), webhook);
    const noted = unchanged.find((f) => f.startsWith('src/'))!;
    await appendFile(path.join(svc, noted), '// our note\n');
    await commitAll(svc, 'our note');

    const update = await now(['update', '--from-package', earlier, '--mode', 'webhook'], svc);
    expect(update.code, update.out).toBe(0);
    expect(update.out).toContain('(options: --mode polling --no-runner -> --mode webhook --telemetry none)'); // telemetry: an option 42c8201 did not have, at its default
    await expect(access(path.join(svc, 'src/polling.ts'))).rejects.toThrow(/ENOENT/);
    for (const file of ['src/app.ts', 'src/routes/webhook.ts', 'src/main.ts']) expect(await readFile(path.join(svc, file), 'utf8'), file).toBe(webhook.get(file));
    expect(await readFile(path.join(svc, noted), 'utf8'), noted).toBe(`${webhook.get(noted)!}// our note\n`);
    const record = JSON.parse(await readFile(path.join(svc, '.loopsvc.json'), 'utf8')) as { options: object };
    expect(record.options).toEqual({ mode: 'webhook', telemetry: 'none' });
    await commitAll(svc, 'webhook');
    await buildLintCheckTest(svc);
  }, 30 * MINUTES);
});
