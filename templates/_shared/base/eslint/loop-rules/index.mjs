// The loop rules (R1–R5 of docs/loop-rules.md) as ESLint flat config: the static half of the event-loop
// contract. Use it from eslint.config.js:
//
//   import loopRules from './eslint/loop-rules/index.mjs';
//   export default [...yourConfigs, ...loopRules({ tsconfigRootDir: import.meta.dirname })];
//
// WHEN blocking is allowed is decided by when the code runs, not by the folder it lives in
// (./rules/phase.mjs): during startup (module top level of modules loaded before serving, plugin
// registration, `main` before `listen()`, `process.on('exit')`) a sync read costs nothing; where
// it can run while serving (handlers, hooks, middleware, listeners, timers, constructors, exported
// functions, modules imported lazily from a function) it is an error. With type information the
// blocking calls are found by meaning (./rules/resolve.mjs): what a call resolves to in @types/node
// or in the table of blocking packages (./messages.mjs), never by its name alone.
//   - `src/main.*` is the composition root (R1.2): the only file that installs signal and
//     process-level handlers and exits the process.
//   - `src/workers/**` are piscina task files: they run on worker threads, where blocking is the
//     point (R2.4). The blocking rules are off there; the promise rules stay on.
//   - The pool module (`src/pool.*`, `src/plugins/*-pool.*`) is the only place that starts
//     worker threads.
// Each of these is an option, for projects with another layout.
//
// Every message names its rule id (a heading of docs/loop-rules.md) and the fix. Messages come from the `loopsvc` plugin
// (./plugin.mjs): custom rules for what selectors cannot express, and re-exported
// typescript-eslint / eslint-plugin-n / core rules whose text is extended with the id and fix.
// Type-aware rules need typescript-eslint's project service; they run on `typeCheckedFiles`
// (TypeScript by default; add JavaScript files covered by a tsconfig/jsconfig with allowJs).
// Other JavaScript files get the syntactic fallbacks, which see aliases and imports but not
// re-exports or values passed around. What no static rule can see (CPU loops, big JSON.parse,
// blocking inside dependencies) is the loop-delay guard's job (§5.1).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import tseslint from 'typescript-eslint';
import { plugin } from './plugin.mjs';

export { plugin };

const TS = '{ts,mts,cts,tsx}';
const ANY = '{ts,mts,cts,tsx,js,mjs,cjs,jsx}';

/** `src` + `main.*` → 'src/main.*'; a source dir of '.' means the project root. */
const under = (dir, glob) => (dir === '.' || dir === '' ? glob : `${dir.replace(/\/$/, '')}/${glob}`);

/**
 * @param {object} options
 * @param {string} options.tsconfigRootDir folder of the tsconfig (usually `import.meta.dirname`)
 * @param {string} [options.srcDir] source folder, default 'src'
 * @param {string[]} [options.files] files the rules apply to, default every JS/TS file in srcDir
 * @param {string[]} [options.typeCheckedFiles] files that get the type-aware rules, default TS files in srcDir
 * @param {string[]} [options.main] composition root(s), default srcDir/main.*
 * @param {string[]} [options.stop] the stop module the composition root installs (signal handlers,
 *   the graceful stop and its exit codes, R4.1), default srcDir/startup/stop.*
 * @param {string[]} [options.startup] accepted for older configs: startup is now decided by when code runs
 * @param {string[]} [options.workers] worker-thread task files, default srcDir/workers/**
 * @param {string[]} [options.pool] modules allowed to start worker threads
 * @param {boolean} [options.typeChecked] false skips the type-aware rules (no tsconfig)
 * @param {string[]} [options.vendored] more vendored files to keep every rule off (`create-loopsvc rules` passes scripts/check-loop.mjs)
 * @returns {import('eslint').Linter.Config[]}
 */
export default function loopRules(options = {}) {
  const src = options.srcDir ?? 'src';
  const typeChecked = options.typeChecked ?? true;
  if (typeChecked && typeof options.tsconfigRootDir !== 'string') {
    throw new TypeError('loopRules: pass { tsconfigRootDir: import.meta.dirname } (or { typeChecked: false })');
  }
  const files = options.files ?? [under(src, `**/*.${ANY}`)];
  const typeCheckedFiles = options.typeCheckedFiles ?? [under(src, `**/*.${TS}`)];
  const main = options.main ?? [under(src, `main.${ANY}`)];
  const stop = options.stop ?? [under(src, `startup/stop.${ANY}`)];
  // how the fix texts name the composition root: `src/main.*`, or the file `rules` found
  const root = { root: main.map((glob) => glob.replace(`.${ANY}`, '.*')).join(' or ') };
  const workers = options.workers ?? [under(src, `workers/**/*.${ANY}`)];
  const pool = options.pool ?? [under(src, `pool.${ANY}`), under(src, `plugins/*-pool.${ANY}`)];

  const configs = [];
  // This folder is vendored code: keep the project's own rules (and its type-aware parser
  // settings, which would not find these files in the tsconfig) off it.
  const vendored = options.tsconfigRootDir ? path.relative(options.tsconfigRootDir, fileURLToPath(new URL('.', import.meta.url))) : '';
  const ignores = [...(options.vendored ?? [])];
  if (vendored && !vendored.startsWith('..') && !path.isAbsolute(vendored)) ignores.unshift(`${vendored.split(path.sep).join('/')}/`);
  if (ignores.length > 0) configs.push({ name: 'loopsvc/vendored', ignores });

  configs.push(
    {
      name: 'loopsvc/typescript-parser',
      files: typeCheckedFiles,
      languageOptions: {
        parser: tseslint.parser,
        parserOptions: typeChecked ? { projectService: true, tsconfigRootDir: options.tsconfigRootDir } : {},
      },
    },
    {
      name: 'loopsvc/rules',
      files,
      plugins: { loopsvc: plugin },
      rules: {
        'loopsvc/no-blocking-import': 'error', // R1.1, R2.2, R2.3
        'loopsvc/no-blocking-call': 'error', // R2.1, R2.3 by meaning (type information)
        // Syntactic fallbacks for files without type information; silent where types exist.
        'loopsvc/no-sync': ['error', { allowAtRootLevel: false }], // R2.3
        'loopsvc/no-hidden-sync': 'error', // R2.3, §4.2
        'loopsvc/no-random-bytes-sync': 'error', // R2.3
        'loopsvc/no-atomics-wait': 'error', // R2.1
        'loopsvc/no-busy-wait': 'error', // R2.1
        'loopsvc/no-worker-outside-pool': 'error', // R2.4
        'loopsvc/app-hook-resolves-undefined': 'error', // R3.2
        'loopsvc/resources-owned': 'error', // R3.1
        'loopsvc/listen-in-main-only': ['error', root], // R1.2
        'loopsvc/no-catastrophic-regex': 'error', // R2.4: ReDoS blocks the loop on crafted input (eslint-plugin-regexp)
        'loopsvc/no-process-exit': 'error', // R1.2
        'loopsvc/process-in-main-only': ['error', root], // R1.2, R4.1, R4.7
        'loopsvc/no-await-in-loop': 'warn', // R2.5: sometimes sequential on purpose (worker loop)
      },
    },
  );
  if (typeChecked) {
    configs.push({
      name: 'loopsvc/promises',
      files: typeCheckedFiles,
      rules: {
        'loopsvc/no-floating-promises': ['error', { ignoreVoid: false }], // R2.5: `void p` still crashes on rejection
        'loopsvc/no-misused-promises': 'error', // R2.5, R4.1: async callbacks where void is expected
        'loopsvc/await-thenable': 'error', // R2.5
        'loopsvc/require-await': 'warn', // R2.5: fires on Fastify hooks that do only sync work
      },
    });
  }
  configs.push(
    {
      name: 'loopsvc/composition-root',
      files: main,
      rules: { 'loopsvc/no-process-exit': 'off', 'loopsvc/process-in-main-only': 'off', 'loopsvc/listen-in-main-only': 'off', 'loopsvc/resources-owned': 'off' },
    },
    // The one stop mechanism lives in its own module, which only the composition root calls: it may
    // install the signal handlers and exit, and nothing else main may do (listen, open resources).
    { name: 'loopsvc/stop-module', files: stop, rules: { 'loopsvc/no-process-exit': 'off', 'loopsvc/process-in-main-only': 'off' } },
    { name: 'loopsvc/pool', files: pool, rules: { 'loopsvc/no-worker-outside-pool': 'off' } },
    {
      name: 'loopsvc/workers',
      files: workers,
      rules: {
        'loopsvc/no-blocking-import': 'off',
        'loopsvc/no-blocking-call': 'off',
        'loopsvc/no-sync': 'off',
        'loopsvc/no-hidden-sync': 'off',
        'loopsvc/no-random-bytes-sync': 'off',
        'loopsvc/no-atomics-wait': 'off',
        'loopsvc/no-busy-wait': 'off',
      },
    },
  );
  return configs;
}
