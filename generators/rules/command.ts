import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import minVersion from 'semver/ranges/min-version.js';
import { parseCommandLine } from '../shared/args.js';
import { quote } from '../shared/encode.js';
import { EXIT, LoopsvcError } from '../shared/errors.js';
import type { CommandIo } from '../shared/io.js';
import { editJsonMembers } from '../shared/json-edit.js';
import { installCommandLine, pmCommands, type PackageManager } from '../shared/package-manager.js';
import { projectPackageManager } from '../shared/workspace.js';
import { applyPlan, checkPlan, planWrites, recoverInterrupted, type ApplyHooks, type PlannedWrite } from '../shared/write.js';
import { manualLines, mergeEslintConfig, type MergeRequest } from './eslint-config-merge.js';
import { LAYERS_DIR } from '../shared/render.js';
import { templateFiles } from '../shared/template-files.js';
import { lineDiff } from './line-diff.js';
import { versionOf } from '../shared/versions.js';

/**
 * `create-loopsvc rules [dir] [--main <file>] [--dry-run]`: adds the loop rules to an existing
 * project. It plans everything in memory first (new files, edits of package.json and the ESLint
 * config), stops before writing anything if a step cannot be done safely (an ESLint or
 * typescript-eslint too old for the ruleset: the exact upgrade command), and never overwrites a
 * file. A flat config (ESM or CommonJS) is merged; a legacy `.eslintrc*` is left alone and a
 * standalone `eslint.loop.config.mjs` is written, which `npm run check:loop` uses.
 * `argv` is what follows `rules` on the command line.
 */

const RULES_DIR = 'eslint/loop-rules';
const CHECK_SCRIPT = 'scripts/check-loop.mjs';
/** What every rule id in a message or comment means (R2.3, P11, §5.1): the generated projects' document. */
const RULES_DOC = 'docs/loop-rules.md';
const IMPORT_FROM = `./${RULES_DIR}/index.mjs`;
const DEV_DEPENDENCIES = ['eslint', 'eslint-plugin-n', 'eslint-plugin-regexp', 'typescript', 'typescript-eslint'] as const; // in npm's order
const FLAT_CONFIGS = ['eslint.config.js', 'eslint.config.mjs', 'eslint.config.cjs', 'eslint.config.ts', 'eslint.config.mts', 'eslint.config.cts'];
const LEGACY_CONFIGS = ['.eslintrc', '.eslintrc.js', '.eslintrc.cjs', '.eslintrc.json', '.eslintrc.yml', '.eslintrc.yaml'];
const SOURCE_EXT = /\.(ts|mts|cts|js|mjs|cjs)$/;

const USAGE = 'usage: create-loopsvc rules [dir] [--main <file>] [--dry-run]';
const STANDALONE_CONFIG = 'eslint.loop.config.mjs';
const RERUN = 'then re-run npx create-loopsvc rules';
/**
 * The oldest versions the vendored ruleset runs with: flat config and eslint-plugin-n 18 need
 * ESLint 8.57.1; the project service needs typescript-eslint 8.
 */
const FLOORS: Record<string, { version: string; major: number; minor: number; patch: number }> = {
  eslint: { version: '8.57.1', major: 8, minor: 57, patch: 1 },
  'typescript-eslint': { version: '8.0.0', major: 8, minor: 0, patch: 0 },
};
/** eslint-plugin-regexp 3 needs ESLint >= 9.38; older hosts (8.57.1 … 9.37) get the 2.x line, same rule. */
const REGEXP_FOR_OLDER_ESLINT = '^2.9.1';

/** `hooks` reach the write engine: tests stop a run at an exact step (a signal mid-write). */
export async function runRulesCommand(argv: readonly string[], io: CommandIo, hooks: ApplyHooks = {}): Promise<0 | 1 | 2> {
  // 1. parse
  const { dir, dryRun, help, main } = parseRulesArgs(argv);
  if (help) {
    io.out(
      `${USAGE}\n\nAdds the event-loop lint rules (R1–R5, explained in docs/loop-rules.md) and scripts/check-loop.mjs to an existing project,\nmerging with its ESLint flat config (or, next to a legacy .eslintrc, a standalone ${STANDALONE_CONFIG}).\n--main <file> names the composition root (the file that listens and owns signals). --dry-run prints what would change and writes nothing.`,
    );
    return EXIT.ok;
  }
  const target = path.resolve(io.cwd, dir ?? '.');
  if (!dryRun) for (const note of await recoverInterrupted(target)) io.out(note);
  const pm = await projectPackageManager(target);
  const pkgText = await readFile(path.join(target, 'package.json'), 'utf8').catch(() => {
    throw new LoopsvcError('RULES_NO_PACKAGE_JSON', `no package.json in ${target}; run create-loopsvc rules in the project (or repo) root, or pass its folder`);
  });
  const pkg = parsePackageJson(pkgText, target);
  checkVersions(target, pkg, pm);
  const hostEslint = hostVersion(target, pkg, 'eslint');
  const modernEslint = !hostEslint || atLeast(hostEslint, { major: 9, minor: 38, patch: 0 });

  // 2. plan: ruleset files, check script, ESLint config, package.json
  const layout = await detectLayout(target, pkg, main);
  const request: MergeRequest = { importFrom: IMPORT_FROM, callArguments: layout.callArguments };
  const config = await eslintConfigWrite(target, pkg, request, io, pm);
  const plan: PlannedWrite[] = [...(await vendoredFiles()), config.write, packageJsonWrite(pkgText, pkg, { standalone: config.standalone, srcDir: layout.srcDir, modernEslint, eslint8: hostEslint?.major === 8 })].filter(
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

  // 4. check the whole plan (free paths, writable files and folders), report, then write
  const checked = await checkPlan(planWrites(target, writes));
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
  await applyPlan(checked, hooks);
  if (writes.length === 0) io.out(`the loop rules are already set up in ${target}; nothing changed`);

  // 5. next steps
  // Standalone: the check:loop script, which also sets ESLINT_USE_FLAT_CONFIG for ESLint 8 (a bare
  // `npx eslint --config eslint.loop.config.mjs` there parses the flat config as an .eslintrc).
  const install = installCommandLine(pm);
  const check = config.standalone ? `${pmCommands(pm).run} check:loop` : `npx eslint .\n  node ${CHECK_SCRIPT}`;
  io.out(`\nNext steps:\n  ${install}\n  ${check}\n\nEvery loop-rule message names its rule id (R1.1 … R5.1), explained in ${RULES_DOC}, and the fix.`);
  return EXIT.ok;
}

/** The major.minor a dependency has: the installed copy, else the lowest version its range allows. */
function hostVersion(target: string, pkg: PackageJson, name: string): { major: number; minor: number; patch: number; text: string } | undefined {
  const range = pkg.devDependencies?.[name] ?? pkg.dependencies?.[name];
  if (range === undefined) return undefined;
  let text: string | undefined;
  try {
    const installed = JSON.parse(readFileSyncSafe(path.join(target, 'node_modules', name, 'package.json')) ?? 'null') as { version?: string } | null;
    text = installed?.version ?? minVersion(range)?.version;
  } catch {
    text = undefined;
  }
  const m = text ? /^(\d+)\.(\d+)\.(\d+)/.exec(text) : null;
  return m ? { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]), text: text! } : undefined;
}

const atLeast = (v: { major: number; minor: number; patch: number }, f: { major: number; minor: number; patch: number }) =>
  v.major !== f.major ? v.major > f.major : v.minor !== f.minor ? v.minor > f.minor : v.patch >= f.patch;

/** Refuse before writing when the host's ESLint or typescript-eslint is older than the ruleset needs. */
function checkVersions(target: string, pkg: PackageJson, pm: PackageManager): void {
  const upgrades: string[] = [];
  const found: string[] = [];
  const legacy = LEGACY_CONFIGS.some((f) => existsSync(path.join(target, f))) || pkg.eslintConfig !== undefined;
  for (const [name, floor] of Object.entries(FLOORS)) {
    const have = hostVersion(target, pkg, name);
    if (!have) continue;
    if (atLeast(have, floor)) continue;
    found.push(`${name} ${have.text}`);
    // ESLint 10 no longer reads .eslintrc: a legacy project upgrades to 9, which still does.
    upgrades.push(`${name}@${name === 'eslint' && legacy ? `^${floor.version}` : (versionOf(name) ?? `^${floor.version}`)}`);
  }
  if (upgrades.length === 0) return;
  throw new LoopsvcError(
    'RULES_ESLINT_TOO_OLD',
    `${found.join(' and ')} in ${target} is older than the loop rules need (ESLint >= ${FLOORS.eslint!.version}, typescript-eslint >= ${FLOORS['typescript-eslint']!.version}); nothing was written. ` +
      `Upgrade first: ${addCommand(pm, upgrades)}${legacy ? ' (ESLint 9 still reads your .eslintrc when the lint script sets ESLINT_USE_FLAT_CONFIG=false, and its plugins may need upgrades too; or migrate it: npx @eslint/migrate-config <file>)' : ''}, ${RERUN}`,
  );
}

function readFileSyncSafe(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

function addCommand(pm: PackageManager, packages: string[]): string {
  const list = packages.join(' ');
  if (pm === 'yarn') return `yarn add -D ${list}`;
  if (pm === 'pnpm') return `pnpm add -D ${list}`;
  if (pm === 'bun') return `bun add -d ${list}`;
  return `npm install -D ${list}`;
}

function parseRulesArgs(argv: readonly string[]): { dir?: string; dryRun: boolean; help: boolean; main?: string } {
  const parsed = parseCommandLine(argv, { 'dry-run': { type: 'boolean' }, help: { type: 'boolean', short: 'h' }, main: { type: 'string' } }, USAGE);
  if (parsed.positionals.length > 1) {
    throw new LoopsvcError('INVALID_ARGS', `expected one project folder, got ${parsed.positionals.map((p) => JSON.stringify(p)).join(', ')}; ${USAGE}`);
  }
  return { dir: parsed.positionals[0], dryRun: parsed.values['dry-run'] === true, help: parsed.values.help === true, main: parsed.values.main };
}

interface PackageJson {
  name?: string;
  type?: string;
  main?: string;
  bin?: string | Record<string, string>;
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  eslintConfig?: unknown;
  [key: string]: unknown;
}

function parsePackageJson(text: string, target: string): PackageJson {
  try {
    const pkg: unknown = JSON.parse(text.replace(/^\uFEFF/, ''));
    if (pkg && typeof pkg === 'object' && !Array.isArray(pkg)) return pkg as PackageJson;
  } catch {
    // reported below
  }
  throw new LoopsvcError('RULES_BAD_PACKAGE_JSON', `${path.join(target, 'package.json')} is not a JSON object; fix it and re-run`);
}

/**
 * The ruleset and the check script, at the paths generated projects have them too
 * (the base layer, templates/_shared/base, is laid under every template).
 */
async function vendoredFiles(): Promise<PlannedWrite[]> {
  const templates = templateFiles();
  const shared = `${LAYERS_DIR}/base`;
  const text = (file: string) => templates.read(`${shared}/${file}`).toString('utf8');
  const writes = templates.list(`${shared}/${RULES_DIR}`).map((f) => ({ path: `${RULES_DIR}/${f}`, after: text(`${RULES_DIR}/${f}`) }));
  writes.push({ path: CHECK_SCRIPT, after: text(CHECK_SCRIPT) });
  writes.push({ path: RULES_DOC, after: text(RULES_DOC) });
  return writes;
}

/**
 * Where the project's code lives decides the scope of the rules (see the ruleset's header):
 * `src/` with `src/main.*` is the generated layout; otherwise the folder and the composition root
 * are passed explicitly. The root is `--main <file>` when given; else, among the entry files
 * (package.json "main" and "bin", the file `npm start` runs, main/server/index/app), the first
 * that serves (`listen(`, `.start(`) or owns signals (`process.on('SIG…`), else the first found.
 */
async function detectLayout(target: string, pkg: PackageJson, mainFlag: string | undefined): Promise<{ callArguments: string; notes: string[]; srcDir: string }> {
  const args = ['tsconfigRootDir: import.meta.dirname'];
  const notes: string[] = [];
  const hasSrc = existsSync(path.join(target, 'src'));
  const srcMain = ['ts', 'mts', 'js', 'mjs', 'cjs'].map((ext) => `src/main.${ext}`).find((f) => existsSync(path.join(target, f)));
  if (!hasSrc) args.push("srcDir: '.'");
  let main: string | undefined;
  if (mainFlag !== undefined) {
    main = path.posix.normalize(mainFlag.split(path.sep).join('/')).replace(/^\.\//, '');
    if (!SOURCE_EXT.test(main) || !existsSync(path.join(target, main))) {
      throw new LoopsvcError('RULES_BAD_MAIN', `--main ${mainFlag}: no such JavaScript/TypeScript file in ${target}; pass the file that calls listen() (or starts the bot/worker) and owns the signal handlers, then re-run`);
    }
  } else if (!srcMain) {
    main = await findCompositionRoot(target, pkg, hasSrc);
  }
  if (main && main !== srcMain) {
    args.push(`main: [${quote(main)}]`);
    notes.push(`composition root: ${main} (the only file allowed to listen, install signal handlers and exit, R1.2)${mainFlag ? '' : '; if that is not it, re-run with --main <file>'}`);
  } else if (!main && !srcMain) {
    notes.push('composition root: none found (src/main.*, package.json "main"/"bin", the `start` script, main/server/index/app); re-run with --main <file>');
  }
  // The vendored check script follows the ruleset's style, not the host's: keep the host's rules off it.
  args.push(`vendored: ['${CHECK_SCRIPT}']`);
  if (!existsSync(path.join(target, 'tsconfig.json'))) args.push('typeChecked: false');
  return { callArguments: `{ ${args.join(', ')} }`, notes, srcDir: hasSrc ? 'src' : '.' };
}

const SERVES = /\.listen\s*\(|\b(bot|app|server|runner)\.(start|launch)\s*\(|\bserve\s*\(|process\.(on|once)\(\s*['"]SIG/;

async function findCompositionRoot(target: string, pkg: PackageJson, hasSrc: boolean): Promise<string | undefined> {
  const start = /\bnode\s+(?:--[\w-]+(?:=\S+)?\s+)*([\w./-]+\.[cm]?[jt]s)\b/.exec(pkg.scripts?.start ?? '')?.[1];
  const bins = typeof pkg.bin === 'string' ? [pkg.bin] : Object.values(pkg.bin ?? {});
  const conventional = ['main', 'server', 'index', 'app'].flatMap((n) =>
    [...(hasSrc ? ['src/'] : []), ''].flatMap((dir) => ['ts', 'js', 'mjs', 'cjs'].map((ext) => `${dir}${n}.${ext}`)),
  );
  const candidates = [...new Set([start, pkg.main, ...bins, ...conventional].filter((c): c is string => typeof c === 'string').map((c) => path.posix.normalize(c).replace(/^\.\//, '')))].filter(
    (c) => SOURCE_EXT.test(c) && existsSync(path.join(target, c)),
  );
  for (const c of candidates) {
    const text = await readFile(path.join(target, c), 'utf8').catch(() => '');
    if (SERVES.test(text)) return c;
  }
  return candidates[0];
}

/**
 * Merge into the existing flat config (ESM or CommonJS), or create one; next to a legacy
 * `.eslintrc*` write a standalone loop config instead (the host's config is not touched). When a
 * flat config cannot be merged safely, stop with the exact lines and what to do next.
 */
async function eslintConfigWrite(target: string, pkg: PackageJson, request: MergeRequest, io: CommandIo, pm: PackageManager): Promise<{ write?: PlannedWrite; standalone: boolean }> {
  const flat = FLAT_CONFIGS.find((f) => existsSync(path.join(target, f)));
  const refuse = (file: string, reason: string, advice: string, commonjs = false): never => {
    const { importLine, elementLine } = manualLines({ ...request, commonjs });
    io.err(`${file}: ${reason}. Nothing was written. To add the rules by hand, put these two lines in ${file}:`);
    io.err(`  ${importLine}    <- with the other imports`);
    io.err(`  ${elementLine}    <- as the last entry of the config list it exports`);
    io.err(`then run npx eslint . (the other files rules adds come with npx create-loopsvc rules once the config has the import)`);
    throw new LoopsvcError('RULES_CONFIG_NOT_MERGEABLE', `cannot merge the loop rules into ${file}: ${reason}; nothing was written. ${advice}, ${RERUN}`);
  };

  if (!flat) {
    const legacy = LEGACY_CONFIGS.find((f) => existsSync(path.join(target, f))) ?? (pkg.eslintConfig !== undefined ? 'package.json "eslintConfig"' : undefined);
    const { importLine, elementLine } = manualLines(request);
    if (legacy) {
      // The host keeps its own config and lint; `<pm> run check:loop` runs the loop rules alone.
      const after =
        `// The loop rules (R1–R5, see docs/loop-rules.md) on their own, next to this project's ${legacy}, which stays as it is.\n` +
        `// \`${pmCommands(pm).run} check:loop\` runs them; to fold them into your lint, migrate to a flat config\n// (npx @eslint/migrate-config ${legacy.startsWith('package.json') ? 'package.json' : legacy}) and re-run npx create-loopsvc rules.\n` +
        `${importLine}\n\nexport default [\n  { ignores: ['dist/', 'build/', 'coverage/', 'node_modules/'] },\n  ${elementLine}\n];\n`;
      return { write: { path: STANDALONE_CONFIG, after }, standalone: true };
    }
    const file = pkg.type === 'module' ? 'eslint.config.js' : 'eslint.config.mjs';
    const after =
      `// ESLint flat config. The loop rules (R1–R5, see docs/loop-rules.md) come from ./${RULES_DIR}; add your own configs before them.\n` +
      `${importLine}\n\nexport default [\n  { ignores: ['dist/', 'build/', 'coverage/'] },\n  ${elementLine}\n];\n`;
    return { write: { path: file, after }, standalone: false };
  }

  const before = await readFile(path.join(target, flat), 'utf8');
  const commonjs = flat.endsWith('.cjs') || (flat.endsWith('.js') && pkg.type !== 'module' && /\bmodule\.exports\b/.test(before));
  if (flat.endsWith('.cts') || flat.endsWith('.ts') || flat.endsWith('.mts')) {
    return refuse(flat, 'it is TypeScript, which this merge does not edit', 'Add the two lines by hand', false);
  }
  const outcome = mergeEslintConfig(before, { ...request, commonjs });
  if (outcome.kind === 'cannot') return refuse(flat, outcome.reason, 'Add the two lines by hand', commonjs);
  if (outcome.kind === 'already') return { standalone: false };
  return { write: { path: flat, before, after: outcome.contents }, standalone: false };
}

/** Adds missing devDependencies and scripts; existing entries are never touched. */
function packageJsonWrite(
  before: string,
  pkg: PackageJson,
  { standalone, srcDir, modernEslint, eslint8 }: { standalone: boolean; srcDir: string; modernEslint: boolean; eslint8: boolean },
): PlannedWrite {
  // format-preserving: only the added members' bytes differ (line endings, indentation, BOM, key order stay)
  const members: Array<[string[], string]> = [];
  const present = (name: string) => Object.hasOwn(pkg.dependencies ?? {}, name) || Object.hasOwn(pkg.devDependencies ?? {}, name);
  for (const name of DEV_DEPENDENCIES) {
    if (present(name)) continue;
    const version = name === 'eslint-plugin-regexp' && !modernEslint ? REGEXP_FOR_OLDER_ESLINT : versionOf(name);
    if (!version) throw new Error(`no version for ${name} in the scaffolder's devDependencies`);
    members.push([['devDependencies', name], version]);
  }
  const scripts = pkg.scripts ?? {};
  if (!standalone && !Object.hasOwn(scripts, 'lint')) members.push([['scripts', 'lint'], 'eslint .']);
  if (!Object.hasOwn(scripts, 'check:loop')) {
    // ESLint 8 reads a flat config only when told to (9 and later by default).
    const eslint = eslint8 ? 'ESLINT_USE_FLAT_CONFIG=true eslint' : 'eslint';
    members.push([['scripts', 'check:loop'], standalone ? `${eslint} --config ${STANDALONE_CONFIG} ${srcDir} && node ${CHECK_SCRIPT}` : `node ${CHECK_SCRIPT}`]);
  }
  return { path: 'package.json', before, after: editJsonMembers(before, members) };
}
