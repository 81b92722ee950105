import { existsSync } from 'node:fs';
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { LoopsvcError } from '../../generators/shared/errors.js';
import { runRulesCommand } from '../../generators/rules/command.js';
import { lineDiff } from '../../generators/rules/line-diff.js';
import { removeDir, tempDir, treeSnapshot } from '../helpers/paths.js';
import { REPO } from './helpers.js';

// `create-loopsvc rules` against existing projects made here, outside the repo. ESLint and the
// plugins come from this repo's node_modules through a symlink (an npm install per test would
// take minutes and the network); the project's own config, files and package.json are its own.

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => removeDir(d)));
});

async function project(files: Record<string, string>): Promise<string> {
  const dir = await tempDir('loopsvc-rules-');
  dirs.push(dir);
  for (const [file, contents] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), contents);
  }
  return dir;
}

async function run(args: string[], cwd = REPO) {
  const out: string[] = [];
  const err: string[] = [];
  let code: number;
  try {
    code = await runRulesCommand(args, { cwd, out: (l) => out.push(l), err: (l) => err.push(l) });
  } catch (error) {
    if (!(error instanceof LoopsvcError)) throw error;
    return { code: error.exitCode, error, out: out.join('\n'), err: err.join('\n') };
  }
  return { code, error: undefined, out: out.join('\n'), err: err.join('\n') };
}

interface EslintResult {
  filePath: string;
  messages: { ruleId: string | null; line: number; message: string; fatal?: boolean }[];
}

async function eslint(dir: string): Promise<{ file: string; line: number; rule: string | null; message: string }[]> {
  await symlink(path.join(REPO, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  const result = await execa('npx', ['--no-install', 'eslint', '.', '--format', 'json'], { cwd: dir, reject: false, env: { NO_COLOR: '1' } });
  if (result.exitCode === 2 || !result.stdout.startsWith('[')) throw new Error(`eslint failed: ${result.stderr || result.stdout}`);
  return (JSON.parse(result.stdout) as EslintResult[]).flatMap((r) =>
    r.messages.map((m) => ({ file: path.relative(dir, r.filePath).split(path.sep).join('/'), line: m.line, rule: m.ruleId, message: m.message })),
  );
}

const EXPRESS_STYLE = {
  'package.json': `${JSON.stringify(
    { name: 'orders-svc', version: '1.0.0', type: 'module', main: 'src/server.js', scripts: { start: 'node src/server.js' }, dependencies: {}, devDependencies: { eslint: '^10.0.0' } },
    null,
    2,
  )}\n`,
  'eslint.config.js': "// the team's own config\nexport default [\n  {\n    files: ['**/*.js'],\n    rules: { 'no-var': 'error' },\n  },\n];\n",
  'src/server.js': [
    "import http from 'node:http';",
    "import { handle } from './routes/orders.js';",
    "import { config } from './config.js';",
    '',
    'const server = http.createServer((req, res) => { handle(req, res).catch(() => res.end()); });',
    "process.on('SIGTERM', () => { server.close(); });",
    'server.listen(config.port);',
    '',
  ].join('\n'),
  'src/config.js': "import fs from 'node:fs';\n\nexport const config = JSON.parse(fs.readFileSync(new URL('../config.json', import.meta.url), 'utf8'));\n",
  'src/routes/orders.js': [
    "import fs from 'node:fs';",
    "import crypto from 'node:crypto';",
    "import request from 'sync-request';",
    '',
    'export async function handle(req, res) {',
    "  const template = fs.readFileSync('order.html', 'utf8');",
    '  const id = crypto.randomBytes(16).toString("hex");',
    "  const price = request('GET', 'http://127.0.0.1:9/price').getBody('utf8');",
    '  var total = Number(price);',
    '  res.end(template.replace("{{id}}", id) + total);',
    '}',
    '',
  ].join('\n'),
  'src/lib/fail.js': [
    'export function waitAndExit(ms) {',
    '  const until = Date.now() + ms;',
    '  while (Date.now() < until) {}',
    "  process.on('unhandledRejection', console.error);",
    '  process.exit(1);',
    '}',
    '',
  ].join('\n'),
};

describe('create-loopsvc rules', { timeout: 120_000 }, () => { // each case runs a real (type-aware) eslint
  it('adds the rules to an Express-style project; npx eslint reports its violations with rule ids', async () => {
    const dir = await project(EXPRESS_STYLE);
    const before = await treeSnapshot(dir);

    const result = await run([dir]);
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    expect(result.out).toContain('create eslint/loop-rules/index.mjs');
    expect(result.out).toContain('create scripts/check-loop.mjs');
    expect(result.out).toContain('create docs/loop-rules.md'); // where the ids in the messages lead
    expect(result.out).toContain('composition root: src/server.js');
    expect(result.out).toMatch(/Next steps:\n {2}npm install\n {2}npx eslint \.\n {2}node scripts\/check-loop\.mjs/);

    // Byte for byte: the project's files are unchanged except the lines the command listed.
    const after = await treeSnapshot(dir);
    for (const [file, contents] of Object.entries(before)) {
      if (file === 'eslint.config.js' || file === 'package.json') continue;
      expect(after[file], file).toBe(contents);
    }
    const created = Object.keys(after).filter((f) => !(f in before));
    expect(created.every((f) => f.startsWith('eslint/loop-rules/') || f === 'scripts/check-loop.mjs' || f === 'docs/loop-rules.md')).toBe(true);
    expect(Buffer.from(after['docs/loop-rules.md'] ?? '', 'base64').toString()).toMatch(/^### R2\.3$/m);
    for (const file of ['eslint.config.js', 'package.json']) {
      const diff = lineDiff(Buffer.from(before[file]!, 'base64').toString(), Buffer.from(after[file]!, 'base64').toString());
      const listed = diff.map((c) => `  ${c.kind} line ${c.line}: ${c.text}`).join('\n');
      expect(result.out).toContain(`change ${file}:\n${listed}`);
    }
    const config = await readFile(path.join(dir, 'eslint.config.js'), 'utf8');
    expect(lineDiff(EXPRESS_STYLE['eslint.config.js'], config).filter((c) => c.kind === '-')).toEqual([]);
    const pkg = JSON.parse(await readFile(path.join(dir, 'package.json'), 'utf8')) as { devDependencies: Record<string, string>; scripts: Record<string, string> };
    expect(pkg.devDependencies.eslint).toBe('^10.0.0'); // existing entry untouched
    expect(Object.keys(pkg.devDependencies)).toEqual(['eslint', 'eslint-plugin-n', 'eslint-plugin-regexp', 'typescript', 'typescript-eslint']); // in alphabetical place, as npm keeps them
    expect(pkg.scripts).toEqual({ start: 'node src/server.js', lint: 'eslint .', 'check:loop': 'node scripts/check-loop.mjs' });

    const reports = await eslint(dir);
    const got = reports.map((r) => `${r.file}:${r.line} ${/^(R\d\.\d):/.exec(r.message)?.[1] ?? r.rule}`).sort();
    expect(got).toEqual(
      [
        'src/lib/fail.js:3 R2.1',
        'src/lib/fail.js:4 R4.1',
        'src/lib/fail.js:5 R1.2',
        'src/routes/orders.js:3 R2.2',
        'src/routes/orders.js:6 R2.3',
        'src/routes/orders.js:7 R2.3',
        'src/routes/orders.js:9 no-var', // the project's own rule still runs
      ].sort(),
    );
    for (const r of reports.filter((x) => x.rule?.startsWith('loopsvc/'))) expect(r.message).toMatch(/^R\d\.\d: .+ Fix: /);
    // the fix names the composition root rules found (package.json "main"), not a src/main.* it does not have
    const rootFixes = reports.filter((x) => x.rule === 'loopsvc/process-in-main-only');
    expect(rootFixes.length).toBeGreaterThan(0);
    for (const r of rootFixes) expect(r.message).toContain('src/server.js');
    expect(reports.map((r) => r.message).join('\n')).not.toContain('src/main.*');

    const check = await execa('node', ['scripts/check-loop.mjs'], { cwd: dir, reject: false });
    expect(check.stdout).toContain('check-loop: ok');

    const settled = await treeSnapshot(dir);
    const again = await run([dir]);
    expect(again.out).toContain('already set up');
    expect(await treeSnapshot(dir)).toEqual(settled);
  });

  it('TypeScript project with defineConfig: type-aware rules run through npx eslint', async () => {
    const dir = await project({
      'package.json': `${JSON.stringify({ name: 'jobs', type: 'module', private: true }, null, 2)}\n`,
      'tsconfig.json': JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'NodeNext', strict: true, types: ['node'], noEmit: true }, include: ['src'] }),
      'eslint.config.js': "import { defineConfig } from 'eslint/config';\n\nexport default defineConfig([{ ignores: ['dist/'] }]);\n",
      'src/main.ts': "import { run } from './jobs.js';\n\nprocess.on('SIGTERM', () => process.exit(0));\nawait run();\n",
      'src/jobs.ts': [
        "import { setTimeout as sleep } from 'node:timers/promises';",
        'export async function run(): Promise<void> {',
        '  void sleep(10);',
        '  setInterval(async () => { await sleep(1); }, 100);',
        '  await sleep(1);',
        '}',
        '',
      ].join('\n'),
    });
    const result = await run(['.'], dir);
    expect(result.code).toBe(0);
    expect(await readFile(path.join(dir, 'eslint.config.js'), 'utf8')).toBe(
      "import { defineConfig } from 'eslint/config';\nimport loopRules from './eslint/loop-rules/index.mjs';\n\nexport default defineConfig([{ ignores: ['dist/'] }], ...loopRules({ tsconfigRootDir: import.meta.dirname, vendored: ['scripts/check-loop.mjs'] }));\n",
    );
    const got = (await eslint(dir)).map((r) => `${r.file}:${r.line} ${r.rule} ${r.message.slice(0, 5)}`);
    expect(got).toEqual(['src/jobs.ts:3 loopsvc/no-floating-promises R2.5:', 'src/jobs.ts:4 loopsvc/resources-owned R3.1:', 'src/jobs.ts:4 loopsvc/no-misused-promises R2.5:']);
  });

  it('--dry-run lists every file and line it would change and writes nothing', async () => {
    const dir = await project(EXPRESS_STYLE);
    const before = await treeSnapshot(dir);
    const result = await run([dir, '--dry-run']);
    expect(result.code).toBe(0);
    expect(result.out).toContain('would create eslint/loop-rules/plugin.mjs');
    expect(result.out).toContain("would change eslint.config.js:\n  + line 2: import loopRules from './eslint/loop-rules/index.mjs';");
    expect(result.out).toContain("  + line 8:   ...loopRules({ tsconfigRootDir: import.meta.dirname, main: ['src/server.js'], vendored: ['scripts/check-loop.mjs'], typeChecked: false }),");
    expect(result.out).toContain('would change package.json:');
    expect(result.out).toContain('nothing was written');
    expect(await treeSnapshot(dir)).toEqual(before);
  });

  it('cannot merge a CommonJS config: exit 2, the exact lines to add, nothing written', async () => {
    const dir = await project({ ...EXPRESS_STYLE, 'eslint.config.js': "module.exports = [{ rules: { 'no-var': 'error' } }];\n" });
    const before = await treeSnapshot(dir);
    const result = await run([dir]);
    expect(result.code).toBe(2);
    expect(result.error?.message).toContain(
      'cannot merge the loop rules into eslint.config.js: it is CommonJS (module.exports) in a file ESLint loads as an ES module; nothing was written. Add the two lines by hand, then re-run npx create-loopsvc rules',
    );
    expect(result.err).toContain("  import loopRules from './eslint/loop-rules/index.mjs';");
    expect(result.err).toContain("  ...loopRules({ tsconfigRootDir: import.meta.dirname, main: ['src/server.js'], vendored: ['scripts/check-loop.mjs'], typeChecked: false }),");
    expect(await treeSnapshot(dir)).toEqual(before);
  });

  it('next to a legacy .eslintrc: a standalone loop config that check:loop runs, the host config untouched', async () => {
    const { 'eslint.config.js': _omit, ...withoutFlat } = EXPRESS_STYLE;
    const legacy = await project({ ...withoutFlat, '.eslintrc.json': '{ "rules": {} }\n' });
    const l = await run([legacy]);
    expect(l.code).toBe(0);
    expect(await readFile(path.join(legacy, '.eslintrc.json'), 'utf8')).toBe('{ "rules": {} }\n');
    expect(existsSync(path.join(legacy, 'eslint.config.js')) || existsSync(path.join(legacy, 'eslint.config.mjs'))).toBe(false);
    const standalone = await readFile(path.join(legacy, 'eslint.loop.config.mjs'), 'utf8');
    expect(standalone).toContain('npx @eslint/migrate-config .eslintrc.json');
    const pkg = JSON.parse(await readFile(path.join(legacy, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts['check:loop']).toBe('eslint --config eslint.loop.config.mjs src && node scripts/check-loop.mjs');
    expect(pkg.scripts.lint).toBeUndefined();
    expect(l.out).toMatch(/Next steps:\n {2}npm install\n {2}npm run check:loop\n\n/);
    await symlink(path.join(REPO, 'node_modules'), path.join(legacy, 'node_modules'), 'dir');
    const loop = await execa('npx', ['--no-install', 'eslint', '--config', 'eslint.loop.config.mjs', 'src', '--format', 'json'], { cwd: legacy, reject: false });
    const ids = (JSON.parse(loop.stdout) as EslintResult[]).flatMap((r) => r.messages.map((m) => /^(R\d\.\d):/.exec(m.message)?.[1] ?? m.ruleId));
    expect(ids.sort()).toEqual(['R1.2', 'R2.1', 'R2.2', 'R2.3', 'R2.3', 'R4.1']);
  });

  it('legacy .eslintrc.js with ESLint 8.57 under yarn: the next step is yarn run check:loop, which sets the flat-config flag', async () => {
    // The shape of a BullMQ worker on ESLint 8: `module.exports = {…}` in .eslintrc.js, a yarn.lock,
    // the entry in src/index.ts. A bare `npx eslint --config eslint.loop.config.mjs` fails on ESLint 8
    // (it parses the flat config as an .eslintrc), so that is never the advice.
    const legacyJs = "module.exports = {\n  root: true,\n  parser: '@typescript-eslint/parser',\n  rules: { 'comma-dangle': ['error', 'always-multiline'] },\n};\n";
    const dir = await project({
      'package.json': `${JSON.stringify({ name: 'jobs-worker', version: '1.0.0', main: 'index.js', scripts: { start: 'node dist/index.js', lint: "eslint 'src/**/*.ts'" }, dependencies: { bullmq: '^5.0.0' }, devDependencies: { eslint: '^8.57.1', '@typescript-eslint/parser': '^8.25.0', typescript: '^5.8.3' } }, null, 2)}\n`,
      'yarn.lock': '',
      '.eslintrc.js': legacyJs,
      'tsconfig.json': `${JSON.stringify({ compilerOptions: { strict: true, module: 'nodenext', moduleResolution: 'nodenext' }, include: ['src'] })}\n`,
      'src/index.ts': "import { Worker } from 'bullmq';\n\nconst worker = new Worker('jobs', async () => {});\nprocess.on('SIGTERM', () => {\n  worker.close().catch(() => {});\n});\n",
    });
    const r = await run([dir]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Next steps:\n {2}yarn install\n {2}yarn run check:loop\n\n/);
    expect(r.out).not.toContain('npx eslint --config');
    expect(await readFile(path.join(dir, '.eslintrc.js'), 'utf8')).toBe(legacyJs);
    const pkg = JSON.parse(await readFile(path.join(dir, 'package.json'), 'utf8')) as { scripts: Record<string, string>; devDependencies: Record<string, string> };
    expect(pkg.scripts['check:loop']).toBe('ESLINT_USE_FLAT_CONFIG=true eslint --config eslint.loop.config.mjs src && node scripts/check-loop.mjs');
    expect(pkg.scripts.lint).toBe("eslint 'src/**/*.ts'");
    expect(pkg.devDependencies['eslint-plugin-regexp']).toMatch(/^\^2\./);
    expect(await readFile(path.join(dir, 'eslint.loop.config.mjs'), 'utf8')).toContain('`yarn run check:loop` runs them');
  });

  it('refuses an ESLint or typescript-eslint too old for the rules before writing, with the upgrade command', async () => {
    const old = await project({
      ...EXPRESS_STYLE,
      'package.json': `${JSON.stringify({ name: 'old', devDependencies: { eslint: '^8.56.0', 'typescript-eslint': '^7.0.0' } }, null, 2)}\n`,
      'yarn.lock': '',
    });
    const before = await treeSnapshot(old);
    const r = await run([old]);
    expect(r.code).toBe(2);
    expect(r.error?.message).toContain('eslint 8.56.0 and typescript-eslint 7.0.0 in');
    expect(r.error?.message).toMatch(/Upgrade first: yarn add -D eslint@\^10\.\d+\.\d+ typescript-eslint@\^8\.\d+\.\d+, then re-run npx create-loopsvc rules/);
    expect(await treeSnapshot(old)).toEqual(before);

    // ESLint 9.17 (older than eslint-plugin-regexp 3 wants): merged, with the regexp 2.x line.
    const nine = await project({ ...EXPRESS_STYLE, 'package.json': `${JSON.stringify({ name: 'nine', type: 'module', devDependencies: { eslint: '^9.17.0' } }, null, 2)}\n` });
    expect((await run([nine])).code).toBe(0);
    const pkg = JSON.parse(await readFile(path.join(nine, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
    expect(pkg.devDependencies['eslint-plugin-regexp']).toBe('^2.9.1');
    expect(pkg.devDependencies.eslint).toBe('^9.17.0');
  });

  it('merges a CommonJS eslint.config.cjs; finds the root that listens; --main overrides it', async () => {
    const { 'eslint.config.js': _omit, ...withoutFlat } = EXPRESS_STYLE;
    const dir = await project({
      ...withoutFlat,
      'package.json': `${JSON.stringify({ name: 'cjs', main: 'index.js', devDependencies: { eslint: '^10.0.0' } }, null, 2)}\n`,
      'index.js': "module.exports = require('./src/server.js');\n",
      'eslint.config.cjs': "module.exports = [\n  { rules: { 'no-var': 'error' } }\n]\n",
    });
    const result = await run([dir]);
    expect(result.code).toBe(0);
    expect(result.out).toContain('composition root: src/server.js');
    expect(await readFile(path.join(dir, 'eslint.config.cjs'), 'utf8')).toBe(
      "module.exports = [\n  { rules: { 'no-var': 'error' } },\n  ...loopRules({ tsconfigRootDir: __dirname, main: ['src/server.js'], vendored: ['scripts/check-loop.mjs'], typeChecked: false })\n]\n".replace(
        'module.exports',
        "const loopRules = require('./eslint/loop-rules/index.mjs').default\nmodule.exports",
      ),
    );
    const reports = await eslint(dir);
    expect(reports.filter((r) => r.rule?.startsWith('loopsvc/')).length).toBeGreaterThan(0);
    expect(reports.filter((r) => r.file === 'scripts/check-loop.mjs')).toEqual([]);

    const other = await project(EXPRESS_STYLE);
    const flagged = await run([other, '--main', 'src/lib/fail.js', '--dry-run']);
    expect(flagged.out).toContain("main: ['src/lib/fail.js']");
    const bad = await run([other, '--main', 'nope.js']);
    expect(bad.code).toBe(2);
    expect(bad.error?.message).toContain('--main nope.js: no such JavaScript/TypeScript file');
  });

  it('stops on a ruleset file that differs, writing nothing', async () => {
    const edited = await project({ ...EXPRESS_STYLE, 'eslint/loop-rules/index.mjs': '// my local edits\n' });
    const editedBefore = await treeSnapshot(edited);
    const e = await run([edited]);
    expect(e.code).toBe(2);
    expect(e.error?.message).toContain('eslint/loop-rules/index.mjs already exists with different content; nothing was written');
    expect(await treeSnapshot(edited)).toEqual(editedBefore);
  });

  it('creates a config when there is none, and rejects bad input with exit 2', async () => {
    const { 'eslint.config.js': _omit, ...withoutFlat } = EXPRESS_STYLE;
    const dir = await project({ ...withoutFlat, 'package.json': '{\n    "name": "cjs-svc",\n    "main": "index.js"\n}\n', 'index.js': 'module.exports = 1;\n' });
    const result = await run([dir]);
    expect(result.code).toBe(0);
    const config = await readFile(path.join(dir, 'eslint.config.mjs'), 'utf8');
    expect(config).toContain("import loopRules from './eslint/loop-rules/index.mjs';");
    expect(config).toContain("  ...loopRules({ tsconfigRootDir: import.meta.dirname, main: ['src/server.js'], vendored: ['scripts/check-loop.mjs'], typeChecked: false }),");
    expect(await readFile(path.join(dir, 'package.json'), 'utf8')).toMatch(/^\{\n {4}"name": "cjs-svc",\n {4}"main": "index.js",\n {4}"devDependencies": \{/);

    expect((await run(['--nope'])).code).toBe(2);
    expect((await run(['a', 'b'])).code).toBe(2);
    const missing = await run([path.join(dir, 'no-such-dir')]);
    expect(missing.code).toBe(2);
    expect(missing.error?.message).toContain('no package.json in');
  });
});
