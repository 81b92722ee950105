// ESLint flat config: the static half of the loop rules (RULEBOOK §4.1, R5.1). Type-aware, so the
// promise rules see through types. The runtime half is the loop-delay guard in test/lifecycle.test.ts.
import { defineConfig } from 'eslint/config';
import n from 'eslint-plugin-n';
import tseslint from 'typescript-eslint';

// Packages that block or re-enter the one event loop (R1.1, R2.2, R2.3).
const SYNC_PACKAGES = [
  'deasync',
  '@kaciras/deasync',
  'synckit',
  'sync-rpc',
  'sync-request',
  'sync-fetch',
  'xmlhttprequest',
  'better-sqlite3',
];
const SYNC_CHILD_PROCESS = ['execSync', 'execFileSync', 'spawnSync'];

const restrictedImports = {
  paths: [
    ...SYNC_PACKAGES.map((name) => ({ name, message: 'Blocks or re-enters the event loop (R1.1/R2.2).' })),
    ...['node:child_process', 'child_process'].map((name) => ({
      name,
      importNames: SYNC_CHILD_PROCESS,
      message: 'Synchronous child processes block the loop (R2.3); use the async API.',
    })),
  ],
};

// Selectors that catch what n/no-sync cannot see (RULEBOOK §4.2).
const loopSyntax = [
  {
    selector: "CallExpression[callee.object.name='Atomics'][callee.property.name='wait']",
    message: 'Atomics.wait on the loop is time.sleep (R2.1); use node:timers/promises.',
  },
  {
    selector:
      "CallExpression:matches([callee.name='randomBytes'], [callee.property.name='randomBytes'])[arguments.length<2]",
    message: 'randomBytes without a callback is synchronous (R2.3).',
  },
  {
    selector:
      "WhileStatement[test.type='BinaryExpression'][test.left.callee.object.name=/^(Date|performance)$/] > BlockStatement[body.length=0]",
    message: 'Busy-wait is time.sleep (R2.1); use node:timers/promises.',
  },
  {
    selector: 'MemberExpression[computed=true][property.value=/Sync$/]',
    message: 'Computed access to a *Sync API (R2.3).',
  },
  {
    selector: 'ObjectPattern > Property[key.name=/Sync$/]',
    message: 'Destructured *Sync API (R2.3).',
  },
  {
    selector: "NewExpression[callee.name='Worker']",
    message: 'Use the piscina pool created at startup (R2.4), not a Worker per call.',
  },
  {
    selector:
      "CallExpression[callee.property.name='addHook'][arguments.0.value=/^(onReady|preClose|onClose)$/] > ArrowFunctionExpression[async=true][body.type!='BlockStatement']",
    message: 'Async app hooks must resolve undefined: use a block body (R3.2, P4).',
  },
];
const processHandlerSyntax = {
  selector:
    "CallExpression[callee.object.name='process'][callee.property.name=/^(on|once|addListener|prependListener)$/][arguments.0.value=/^(SIG|unhandledRejection|uncaughtException|beforeExit)/]",
  message: 'Signal and process-level handlers live only in src/main.ts (R1.2/R4.1).',
};

export default defineConfig(
  { ignores: ['dist/', 'coverage/', 'node_modules/'] },
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { n },
    rules: {
      'n/no-sync': ['error', { allowAtRootLevel: false }], // R2.3
      'n/no-process-exit': 'error', // R1.2: only main.ts owns the exit code
      'no-await-in-loop': 'warn', // R2.5: independent awaits belong in Promise.all
      '@typescript-eslint/no-floating-promises': ['error', { ignoreVoid: false }], // R2.5: `void p` still crashes on rejection
      '@typescript-eslint/no-misused-promises': 'error', // R2.5/R4.1: async callbacks where void is expected
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/require-await': 'warn',
      'no-restricted-imports': ['error', restrictedImports],
      'no-restricted-syntax': ['error', ...loopSyntax, processHandlerSyntax],
    },
  },
  {
    // R1.2/R4.1: the composition root may install process handlers and exit.
    files: ['src/main.ts'],
    rules: {
      'n/no-process-exit': 'off',
      'no-restricted-syntax': ['error', ...loopSyntax],
    },
  },
  {
    // R2.4: piscina task files run on worker threads, where blocking CPU work is the point.
    files: ['src/workers/**/*.ts'],
    rules: {
      'n/no-sync': 'off',
      'no-restricted-imports': 'off',
      'no-restricted-syntax': 'off',
    },
  },
  {
    // Tests drive real processes and fake servers: they may signal, exit and block on purpose.
    files: ['test/**/*.ts'],
    rules: {
      'n/no-process-exit': 'off',
      'no-restricted-syntax': 'off',
      'no-await-in-loop': 'off',
    },
  },
  {
    files: ['**/*.{js,cjs,mjs}'],
    extends: [tseslint.configs.disableTypeChecked],
  },
);
