import { builtinRules } from 'eslint/use-at-your-own-risk';
import n from 'eslint-plugin-n';
import regexp from 'eslint-plugin-regexp';
import tseslint from 'typescript-eslint';
import appHookResolvesUndefined from './rules/app-hook-resolves-undefined.mjs';
import listenInMainOnly from './rules/listen-in-main-only.mjs';
import noAtomicsWait from './rules/no-atomics-wait.mjs';
import noBlockingCall from './rules/no-blocking-call.mjs';
import noBlockingImport from './rules/no-blocking-import.mjs';
import noBusyWait from './rules/no-busy-wait.mjs';
import noHiddenSync from './rules/no-hidden-sync.mjs';
import noRandomBytesSync from './rules/no-random-bytes-sync.mjs';
import noWorkerOutsidePool from './rules/no-worker-outside-pool.mjs';
import processInMainOnly from './rules/process-in-main-only.mjs';
import resourcesOwned from './rules/resources-owned.mjs';
import { asyncNotExpected, awaitOverACollection, untypedServingSync, wrapRule } from './wrap.mjs';

const ts = tseslint.plugin.rules;

/** The `loopsvc` ESLint plugin: the loop rules, every message naming its rule id (docs/loop-rules.md) and fix. */
export const plugin = {
  meta: { name: 'loopsvc' },
  rules: {
    // Written for the gaps of §4.2 (docs/loop-rules.md).
    'no-blocking-import': noBlockingImport,
    'no-blocking-call': noBlockingCall,
    'no-hidden-sync': noHiddenSync,
    'no-random-bytes-sync': noRandomBytesSync,
    'no-atomics-wait': noAtomicsWait,
    'no-busy-wait': noBusyWait,
    'app-hook-resolves-undefined': appHookResolvesUndefined,
    'process-in-main-only': processInMainOnly,
    'no-worker-outside-pool': noWorkerOutsidePool,
    'resources-owned': resourcesOwned,
    'listen-in-main-only': listenInMainOnly,

    // Upstream rules, same behaviour, messages with the rule id and the fix.
    'no-sync': wrapRule(n.rules['no-sync'], {
      id: 'R2.3',
      fix: 'use the promise API (node:fs/promises, util.promisify, async zlib/crypto, child_process.execFile); sync reads belong at module top level of src/config.* or src/startup/**',
      keep: untypedServingSync,
    }),
    'no-process-exit': wrapRule(n.rules['no-process-exit'], {
      id: 'R1.2',
      fix: 'throw (or reject) and let the composition root set process.exitCode',
    }),
    'no-floating-promises': wrapRule(ts['no-floating-promises'], {
      id: 'R2.5',
      fix: 'await it, return it, or end it with .catch(handler); `void p` silences the lint but a rejection still crashes the process',
      suggestions: ['floatingFixAwait', 'floatingFixVoid'],
    }),
    'no-misused-promises': wrapRule(ts['no-misused-promises'], {
      id: 'R2.5',
      fix: 'pass a block-bodied function that handles the promise: () => { work().catch(onError) }',
      fixes: {
        conditional: 'await the promise first: if (await check())',
        predicate: 'await the values first, then filter synchronously',
        spread: 'await the promise first, then spread the value',
      },
    }),
    'await-thenable': wrapRule(ts['await-thenable'], {
      id: 'R2.5',
      fix: 'await only promises; drop the await, or call the async version of the function',
      suggestions: ['convertToOrdinaryFor', 'removeAwait'],
    }),
    'require-await': wrapRule(ts['require-await'], {
      id: 'R2.5',
      fix: "await the async work inside, or drop 'async'",
      suggestions: ['removeAsync'],
      keep: asyncNotExpected,
    }),
    'no-catastrophic-regex': wrapRule(regexp.rules['no-super-linear-backtracking'], {
      id: 'R2.4',
      fix: 'rewrite the pattern so no two quantifiers can match the same characters (eslint-plugin-regexp suggests one), bound the input length, or match on the worker pool',
    }),
    'no-await-in-loop': wrapRule(builtinRules.get('no-await-in-loop'), {
      id: 'R2.5',
      fix: 'start the independent calls, then await Promise.all([...]) (bounded); an intentionally sequential loop over a collection disables this line with a reason',
      keep: awaitOverACollection,
    }),
  },
};

export default plugin;
