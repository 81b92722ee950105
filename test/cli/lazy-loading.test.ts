import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLI, REPO_ROOT, removeDir, tempDir } from '../helpers/paths.js';

const DIST = path.join(REPO_ROOT, 'dist');

/**
 * Each command loads only what it uses (README, "How it is built"): the built CLI is run with a
 * preload whose module.registerHooks resolve hook records every module it loads, and the chunks
 * that hold the heavy dependencies (found by a string only that dependency contains) must not be
 * among them.
 */
const HEAVY = {
  'the Handlebars compiler': 'Parse error on line',
  acorn: 'ecmaVersion',
  yaml: 'YAMLParseError',
  // semver's constants, under every semver function: for update, rules and monorepo mode only
  semver: 'SEMVER_SPEC_VERSION',
  // the workspace glob matcher: monorepo mode only (finding that there is no workspace needs none)
  picomatch: 'POSIX_REGEX_SOURCE',
} as const;

async function chunkOf(marker: string): Promise<string> {
  const files = (await readdir(DIST)).filter((f) => f.endsWith('.mjs'));
  const holding: string[] = [];
  for (const file of files) if ((await readFile(path.join(DIST, file), 'utf8')).includes(marker)) holding.push(file);
  expect(holding, marker).toHaveLength(1);
  return holding[0] ?? '';
}

let cwd: string;
let preload: string;
let log: string;
beforeEach(async () => {
  cwd = await tempDir();
  preload = path.join(cwd, 'record-loads.mjs');
  log = path.join(cwd, 'loaded.txt');
  await writeFile(
    preload,
    `import { appendFileSync } from 'node:fs';
import module from 'node:module';
module.registerHooks({
  resolve(specifier, context, next) {
    const resolved = next(specifier, context);
    appendFileSync(${JSON.stringify(log)}, resolved.url + '\\n');
    return resolved;
  },
});
// Node's own modules, which an import of a built-in can pull in behind it
process.on('exit', () => appendFileSync(${JSON.stringify(log)}, process.moduleLoadList.map((m) => 'internal: ' + m + '\\n').join('')));
`,
  );
});
afterEach(async () => {
  await removeDir(cwd);
});

/** The dist/ files (and node: built-ins) a run of the CLI loaded. */
async function loaded(args: readonly string[]): Promise<string[]> {
  const r = await execa(process.execPath, ['--import', preload, CLI, ...args], { cwd, env: { NO_COLOR: '1' }, reject: false, stdin: 'ignore', timeout: 60_000 });
  expect(r.exitCode, r.stderr).toBe(0);
  const urls = (await readFile(log, 'utf8')).split('\n').filter(Boolean);
  return urls.map((u) => (u.startsWith('file:') ? path.basename(new URL(u).pathname) : u));
}

describe('what the bundle holds', () => {
  it('no node-plop and no inquirer: the CLI renders directly, and plop or turbo gen bring their own node-plop to the plopfile', async () => {
    const files = (await readdir(DIST)).filter((f) => f.endsWith('.mjs'));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const text = await readFile(path.join(DIST, file), 'utf8');
      // getGeneratorList is node-plop's own API; an inquirer import or stub would name the package
      expect(text.includes('getGeneratorList('), file).toBe(false);
      expect(/["'](?:@inquirer\/[a-z-]+|inquirer)["']/.test(text), file).toBe(false);
    }
  });
});

describe.runIf(typeof (await import('node:module')).registerHooks === 'function')('what each command loads', () => {
  it('generating a project (with its .hbs files) loads Handlebars\' runtime, never its compiler, acorn, yaml, semver, picomatch, prompts, child_process or node:crypto', async () => {
    const modules = await loaded(['svc', '--template', 'http-fastify', '--no-install', '--no-git']);
    expect(modules.some((m) => m.startsWith('handlebars-runtime-'))).toBe(true);
    for (const marker of Object.values(HEAVY)) expect(modules).not.toContain(await chunkOf(marker));
    expect(modules.filter((m) => m.startsWith('prompts-'))).toEqual([]);
    expect(modules).not.toContain('internal: NativeModule child_process');
    // the precompiled templates load per folder: the shared ones and this template's own, not
    // another template's, nor those of `add` (each was parsed by every run when they were one chunk)
    const hbs = modules.filter((m) => m.startsWith('hbs-')).map((m) => m.replace(/-[0-9a-f]{8}\.mjs$/, ''));
    expect(hbs).toContain('hbs-http-fastify');
    for (const chunk of hbs) expect(chunk).toMatch(/^hbs-(_shared|http-fastify)(-|$)/);
    expect(hbs.filter((chunk) => chunk.includes('_add'))).toEqual([]);
    // what every run needs is in one chunk (scripts/build.mjs regroups esbuild's): five modules of dist/ in all
    const ofDist = new Set(modules.filter((m) => m.endsWith('.mjs')).map((m) => m.replace(/-[0-9a-f]{8}\.mjs$/, '')));
    expect([...ofDist].sort()).toEqual(['cli', 'handlebars-runtime', 'hbs-_shared-base', 'hbs-http-fastify', 'index.mjs']);
    // node:util's lazy exports (worker_threads, its diff): an ES import of node:util loads them all
    expect(modules).toContain('internal: NativeModule internal/util/parse_args/parse_args');
    expect(modules).not.toContain('internal: NativeModule worker_threads');
    // the record's blob ids: the pack's, and the rendered files' from the WebAssembly SHA-1 (node:crypto brings the streams)
    expect(modules).not.toContain('internal: NativeModule crypto');
  });

  it('the bundle takes Node\'s modules from process.getBuiltinModule, so none goes through the ES module loader', async () => {
    const modules = await loaded(['svc', '--template', 'http-fastify', '--no-install', '--no-git']);
    // (validate-npm-package-name, CommonJS, requires node:module, which the banner has loaded already)
    expect(modules.filter((m) => m.startsWith('node:') && m !== 'node:module')).toEqual([]);
    // an ES import of node:fs builds a facade of every export, its promises getter included
    expect(modules).not.toContain('internal: NativeModule fs/promises');
  });

  it('a run given every answer (--yes) asks nothing of the terminal: no node:tty, no process.stdin, no stdout stream', async () => {
    const modules = await loaded(['svc', '--template', 'http-fastify', '--no-install', '--no-git', '--yes']);
    // node:tty (for isatty) and the streams of process.stdin and process.stdout all load node:net
    for (const builtin of ['tty', 'net']) expect(modules).not.toContain(`internal: NativeModule ${builtin}`);
  });

  it('--version and --help load neither node:crypto nor node:tty', async () => {
    for (const args of [['--version'], ['--help']]) {
      const modules = await loaded(args);
      for (const builtin of ['crypto', 'tty', 'net', 'fs/promises']) expect(modules, args.join(' ')).not.toContain(`internal: NativeModule ${builtin}`);
    }
  });

  it('--help loads no template code at all', async () => {
    const modules = await loaded(['--help']);
    expect(modules.filter((m) => m.startsWith('handlebars'))).toEqual([]);
    for (const marker of Object.values(HEAVY)) expect(modules).not.toContain(await chunkOf(marker));
  });

  it('update takes parseArgs and isDeepStrictEqual alone from node:util, not its lazy modules', async () => {
    const modules = await loaded(['update', '--help']);
    expect(modules.some((m) => /^command-/.test(m))).toBe(true);
    expect(modules).not.toContain('internal: NativeModule worker_threads');
  });

  it('add renders with Handlebars\' runtime and the build\'s precompiled templates, never the compiler', async () => {
    const made = await execa(process.execPath, [CLI, 'svc', '--template', 'http-fastify', '--no-install', '--no-git'], { cwd, reject: false });
    expect(made.exitCode, made.stderr).toBe(0);
    const modules = await loaded(['add', 'route', 'orders', '--dir', 'svc']);
    expect(await readFile(path.join(cwd, 'svc', 'src', 'routes', 'orders.ts'), 'utf8')).toContain('orders');
    expect(modules.some((m) => m.startsWith('hbs-http-fastify-_add-route-'))).toBe(true);
    expect(modules).not.toContain(await chunkOf(HEAVY['the Handlebars compiler']));
  });

  it('rules loads acorn (the only command that does)', async () => {
    await writeFile(path.join(cwd, 'package.json'), '{ "name": "x", "type": "module" }\n');
    const modules = await loaded(['rules', '--dry-run']);
    expect(modules).toContain(await chunkOf(HEAVY.acorn));
  });
});
