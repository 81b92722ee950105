import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { EXIT, LoopsvcError } from './errors.js';
import { manualLines, mergeEslintConfig, type MergeRequest } from './eslint-config-merge.js';
import { TEMPLATES_DIR } from './render.js';
import { lineDiff } from './rules/line-diff.js';
import { versionOf } from './versions.js';

/**
 * `create-loopsvc rules [dir] [--dry-run]`: adds the loop rules to an existing project. It plans
 * everything in memory first (new files, edits of package.json and the ESLint config), stops
 * before writing anything if a step cannot be done safely, and never overwrites a file.
 * `argv` is what follows `rules` on the command line.
 */

export interface RulesIo {
  cwd: string;
  out(line: string): void;
  err(line: string): void;
}

const RULES_DIR = 'eslint/loop-rules';
const CHECK_SCRIPT = 'scripts/check-loop.mjs';
const IMPORT_FROM = `./${RULES_DIR}/index.mjs`;
const DEV_DEPENDENCIES = ['eslint', 'typescript-eslint', 'eslint-plugin-n', 'eslint-plugin-regexp', 'typescript'] as const;
const FLAT_CONFIGS = ['eslint.config.js', 'eslint.config.mjs', 'eslint.config.cjs', 'eslint.config.ts', 'eslint.config.mts', 'eslint.config.cts'];
const LEGACY_CONFIGS = ['.eslintrc', '.eslintrc.js', '.eslintrc.cjs', '.eslintrc.json', '.eslintrc.yml', '.eslintrc.yaml'];
const SOURCE_EXT = /\.(ts|mts|cts|js|mjs|cjs)$/;

const USAGE = 'usage: create-loopsvc rules [dir] [--dry-run]';

/** A file to create (`before` undefined) or to change. */
interface PlannedWrite {
  path: string;
  before?: string;
  after: string;
}

export async function runRulesCommand(argv: readonly string[], io: RulesIo): Promise<0 | 1 | 2> {
  // 1. parse
  const { dir, dryRun, help } = parseRulesArgs(argv);
  if (help) {
    io.out(`${USAGE}\n\nAdds the event-loop lint rules (RULEBOOK R1–R5) and scripts/check-loop.mjs to an existing project,\nmerging with its ESLint flat config. --dry-run prints what would change and writes nothing.`);
    return EXIT.ok;
  }
  const target = path.resolve(io.cwd, dir ?? '.');
  const pkgText = await readFile(path.join(target, 'package.json'), 'utf8').catch(() => {
    throw new LoopsvcError('RULES_NO_PACKAGE_JSON', `no package.json in ${target}; run create-loopsvc rules in the project (or repo) root, or pass its folder`);
  });
  const pkg = parsePackageJson(pkgText, target);

  // 2. plan: ruleset files, check script, ESLint config, package.json
  const layout = detectLayout(target, pkg);
  const request: MergeRequest = { importFrom: IMPORT_FROM, callArguments: layout.callArguments };
  const plan: PlannedWrite[] = [...(await vendoredFiles()), await eslintConfigWrite(target, pkg, request, io), packageJsonWrite(pkgText, pkg)].filter(
    (w): w is PlannedWrite => w !== undefined,
  );

  // 3. never overwrite: a new file that exists must already be identical
  const writes: PlannedWrite[] = [];
  const conflicts: string[] = [];
  for (const w of plan) {
    if (w.before !== undefined) {
      if (w.before !== w.after) writes.push(w);
      continue;
    }
    const existing = await readFile(path.join(target, w.path), 'utf8').catch(() => undefined);
    if (existing === undefined) writes.push(w);
    else if (existing !== w.after) conflicts.push(w.path);
  }
  if (conflicts.length > 0) {
    throw new LoopsvcError(
      'RULES_FILE_EXISTS',
      `${conflicts.join(', ')} already exist${conflicts.length === 1 ? 's' : ''} with different content; nothing was written. Move ${conflicts.length === 1 ? 'it' : 'them'} aside (or delete ${RULES_DIR}/ to take this version) and re-run`,
    );
  }

  // 4. report, then write (unless --dry-run)
  const verb = dryRun ? 'would ' : '';
  for (const w of writes) {
    if (w.before === undefined) {
      io.out(`${verb}create ${w.path}`);
      continue;
    }
    io.out(`${verb}change ${w.path}:`);
    for (const c of lineDiff(w.before, w.after)) io.out(`  ${c.kind} line ${c.line}: ${c.text}`);
  }
  for (const note of layout.notes) io.out(note);
  if (dryRun) {
    io.out(`dry run: ${writes.length} file${writes.length === 1 ? '' : 's'} would be created or changed in ${target}; nothing was written`);
    return EXIT.ok;
  }
  for (const w of writes) {
    const file = path.join(target, w.path);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, w.after, { flag: w.before === undefined ? 'wx' : 'w' });
  }
  if (writes.length === 0) io.out(`the loop rules are already set up in ${target}; nothing changed`);

  // 5. next steps
  const install = installCommand(target);
  io.out(`\nNext steps:\n  ${install}\n  npx eslint .\n  node ${CHECK_SCRIPT}\n\nEvery loop-rule message names its RULEBOOK id (R1.1 … R5.1) and the fix.`);
  return EXIT.ok;
}

function parseRulesArgs(argv: readonly string[]): { dir?: string; dryRun: boolean; help: boolean } {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: { 'dry-run': { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  } catch (error) {
    throw new LoopsvcError('INVALID_ARGS', `${(error as Error).message.split('\n')[0]}; ${USAGE}`);
  }
  if (parsed.positionals.length > 1) {
    throw new LoopsvcError('INVALID_ARGS', `expected one project folder, got ${parsed.positionals.map((p) => JSON.stringify(p)).join(', ')}; ${USAGE}`);
  }
  return { dir: parsed.positionals[0], dryRun: parsed.values['dry-run'] === true, help: parsed.values.help === true };
}

interface PackageJson {
  name?: string;
  type?: string;
  main?: string;
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  eslintConfig?: unknown;
  [key: string]: unknown;
}

function parsePackageJson(text: string, target: string): PackageJson {
  try {
    const pkg: unknown = JSON.parse(text);
    if (pkg && typeof pkg === 'object' && !Array.isArray(pkg)) return pkg as PackageJson;
  } catch {
    // reported below
  }
  throw new LoopsvcError('RULES_BAD_PACKAGE_JSON', `${path.join(target, 'package.json')} is not a JSON object; fix it and re-run`);
}

/**
 * The ruleset and the check script, at the paths generated projects have them too
 * (templates/_shared is laid under every template).
 */
async function vendoredFiles(): Promise<PlannedWrite[]> {
  const shared = path.join(TEMPLATES_DIR, '_shared');
  const rulesRoot = path.join(shared, RULES_DIR);
  const entries = await readdir(rulesRoot, { recursive: true, withFileTypes: true });
  const files = entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(rulesRoot, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
    .sort();
  const writes = await Promise.all(files.map(async (f) => ({ path: `${RULES_DIR}/${f}`, after: await readFile(path.join(rulesRoot, f), 'utf8') })));
  writes.push({ path: CHECK_SCRIPT, after: await readFile(path.join(shared, CHECK_SCRIPT), 'utf8') });
  return writes;
}

/**
 * Where the project's code lives decides the scope of the rules (see the ruleset's header):
 * `src/` with `src/main.*` is the generated layout; otherwise the folder and the entry file
 * (package.json "main", or a conventional server/index/app file) are passed explicitly.
 */
function detectLayout(target: string, pkg: PackageJson): { callArguments: string; notes: string[] } {
  const args = ['tsconfigRootDir: import.meta.dirname'];
  const notes: string[] = [];
  const hasSrc = existsSync(path.join(target, 'src'));
  const srcMain = ['ts', 'mts', 'js', 'mjs', 'cjs'].some((ext) => existsSync(path.join(target, `src/main.${ext}`)));
  if (!hasSrc) args.push("srcDir: '.'");
  if (!srcMain) {
    const candidates = [pkg.main, ...['server', 'index', 'app', 'main'].flatMap((n) => [`${hasSrc ? 'src/' : ''}${n}.js`, `${hasSrc ? 'src/' : ''}${n}.ts`])];
    const entry = candidates.find((c): c is string => typeof c === 'string' && SOURCE_EXT.test(c) && existsSync(path.join(target, c)));
    if (entry) {
      const main = path.posix.normalize(entry.split(path.sep).join('/'));
      args.push(`main: [${JSON.stringify(main).replaceAll('"', "'")}]`);
      notes.push(`composition root: ${main} (the only file allowed signal handlers and process.exit, R1.2)`);
    } else {
      notes.push('composition root: none found (src/main.*, package.json "main", server/index/app.js); pass main: [...] to loopRules in the ESLint config');
    }
  }
  if (!existsSync(path.join(target, 'tsconfig.json'))) args.push('typeChecked: false');
  return { callArguments: `{ ${args.join(', ')} }`, notes };
}

/** Merge into the existing flat config, or create one; stop with the exact lines when unsafe. */
async function eslintConfigWrite(target: string, pkg: PackageJson, request: MergeRequest, io: RulesIo): Promise<PlannedWrite | undefined> {
  const flat = FLAT_CONFIGS.find((f) => existsSync(path.join(target, f)));
  const { importLine, elementLine } = manualLines(request);
  const refuse = (file: string, reason: string, advice: string): never => {
    io.err(`${file}: ${reason}. Add these two lines yourself, then run npx eslint .:`);
    io.err(`  ${importLine}`);
    io.err(`  ${elementLine}    <- as the last element of the exported config array`);
    throw new LoopsvcError('RULES_CONFIG_NOT_MERGEABLE', `cannot merge the loop rules into ${file}: ${reason}; nothing was written. ${advice}`);
  };

  if (!flat) {
    const legacy = LEGACY_CONFIGS.find((f) => existsSync(path.join(target, f))) ?? (pkg.eslintConfig !== undefined ? 'package.json "eslintConfig"' : undefined);
    if (legacy) {
      refuse(legacy, 'ESLint 10 no longer reads legacy .eslintrc configs', 'Migrate first (npx @eslint/migrate-config <file>), then re-run create-loopsvc rules');
    }
    const file = pkg.type === 'module' ? 'eslint.config.js' : 'eslint.config.mjs';
    const after =
      `// ESLint flat config. The loop rules (RULEBOOK R1–R5) come from ./${RULES_DIR}; add your own configs before them.\n` +
      `${importLine}\n\nexport default [\n  { ignores: ['dist/', 'build/', 'coverage/'] },\n  ${elementLine}\n];\n`;
    return { path: file, after };
  }

  const before = await readFile(path.join(target, flat), 'utf8');
  if (flat.endsWith('.cjs') || flat.endsWith('.cts')) {
    return refuse(flat, 'it is CommonJS', 'Convert it to an ES module (eslint.config.mjs) or add the lines by hand');
  }
  const outcome = mergeEslintConfig(before, request);
  if (outcome.kind === 'cannot') return refuse(flat, outcome.reason, 'Add the lines by hand');
  if (outcome.kind === 'already') return undefined;
  return { path: flat, before, after: outcome.contents };
}

/** Adds missing devDependencies and scripts; existing entries are never touched. */
function packageJsonWrite(before: string, pkg: PackageJson): PlannedWrite {
  const next: PackageJson = structuredClone(pkg);
  const present = (name: string) => Object.hasOwn(pkg.dependencies ?? {}, name) || Object.hasOwn(pkg.devDependencies ?? {}, name);
  for (const name of DEV_DEPENDENCIES) {
    if (present(name)) continue;
    const version = versionOf(name);
    if (!version) throw new Error(`no version for ${name} in the scaffolder's devDependencies`);
    next.devDependencies = { ...next.devDependencies, [name]: version };
  }
  const scripts = { ...next.scripts };
  if (!Object.hasOwn(scripts, 'lint')) scripts.lint = 'eslint .';
  if (!Object.hasOwn(scripts, 'check:loop')) scripts['check:loop'] = `node ${CHECK_SCRIPT}`;
  next.scripts = scripts;
  const indent = /^\{\r?\n([ \t]+)"/.exec(before)?.[1] ?? 2;
  const after = `${JSON.stringify(next, null, indent)}\n`;
  return { path: 'package.json', before, after: JSON.stringify(next) === JSON.stringify(pkg) ? before : after };
}

function installCommand(target: string): string {
  if (existsSync(path.join(target, 'pnpm-lock.yaml'))) return 'pnpm install';
  if (existsSync(path.join(target, 'yarn.lock'))) return 'yarn install';
  if (existsSync(path.join(target, 'bun.lockb')) || existsSync(path.join(target, 'bun.lock'))) return 'bun install';
  return 'npm install';
}
