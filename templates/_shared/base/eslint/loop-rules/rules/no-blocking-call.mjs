import { blockingApi, message } from '../messages.mjs';
import { phase } from './phase.mjs';
import { calleeOrigin, lazilyImportedFiles, startupOnly, typeInfo, valueOrigin } from './resolve.mjs';
import { resolveVariable } from './util.mjs';

// R2.1/R2.3 by meaning (type information): a call is blocking when it resolves to
//   - a `*Sync` function declared in Node's own types (@types/node), however it was reached;
//   - crypto.randomBytes/randomFill/pseudoRandomBytes without a callback;
//   - Atomics.wait (the ES library's), through any alias;
//   - an entry of the blocking third-party table (messages.mjs BLOCKING_APIS).
// A function passed as a value (`files.map(fs.statSync)`) is a call made by the callee.
// Blocking is reported when it can run while serving (./phase.mjs); startup code may block.
// Without type information (plain JavaScript outside any tsconfig) this rule is silent and the
// syntactic rules (no-sync, no-hidden-sync, no-random-bytes-sync, no-atomics-wait) take over.

const NODE_FIX = 'use the promise API (node:fs/promises, util.promisify, async zlib/crypto, child_process.execFile), or do it once at startup (module top level, plugin registration, main before listen)';
const RANDOM = new Set(['randomBytes', 'randomFill', 'pseudoRandomBytes', 'generatePrime']);

/** What makes `origin` blocking, as [id, text, fix], or null. `args` are the call's arguments. */
function blocking(origin, args) {
  if (!origin) return null;
  if (origin.node && origin.name && /Sync$/.test(origin.name)) {
    return ['R2.3', `'${origin.name}' (node:${origin.module}) is synchronous and blocks the event loop`, NODE_FIX];
  }
  if (origin.node && origin.module === 'crypto' && RANDOM.has(origin.name) && args.length < 2) {
    return ['R2.3', `'${origin.name}' without a callback is synchronous and blocks the loop`, 'pass a callback, or await util.promisify(crypto.randomBytes)(n); use crypto.randomUUID() for ids'];
  }
  if (origin.module === 'lib' && origin.container === 'Atomics' && origin.name === 'wait') {
    return ['R2.1', 'Atomics.wait blocks the event loop like time.sleep', "await setTimeout(ms, undefined, { signal }) from 'node:timers/promises', or Atomics.waitAsync"];
  }
  const entry = !origin.node && !origin.project ? blockingApi(origin.module, origin.name) : null;
  if (entry) return [entry.id, `'${origin.name}' of ${entry.package} ${entry.what}`, entry.fix];
  return null;
}

export default {
  meta: {
    type: 'problem',
    docs: { description: 'disallow blocking calls (resolved by the type checker) where they can run while serving' },
    schema: [],
    messages: { blocking: '{{text}}' },
  },
  create(context) {
    const info = typeInfo(context);
    if (!info) return {};
    const lazy = lazilyImportedFiles(info);
    const onlyAtStartup = startupOnly(info);
    function report(node, found, always) {
      if (!found) return;
      if (!always && found[0] === 'R2.3' && phase(context, node, lazy, onlyAtStartup) === 'startup') return;
      const [id, what, fix] = found;
      context.report({ node, messageId: 'blocking', data: { text: message(id, what, fix) } });
    }
    // Asking the checker about every argument is costly; a function handed on comes from an
    // import, a require or a destructuring, or is a member of such a value (`fs.statSync`).
    function mayBeImportedFunction(arg) {
      let root = arg;
      while (root.type === 'MemberExpression') root = root.object;
      if (root.type !== 'Identifier') return false;
      const def = resolveVariable(context.sourceCode, root)?.defs[0];
      if (!def) return arg.type === 'MemberExpression'; // a global namespace
      return def.type === 'ImportBinding' || (def.type === 'Variable' && def.node.init != null && def.node.init.type !== 'ArrowFunctionExpression' && def.node.init.type !== 'FunctionExpression');
    }
    function check(call) {
      const found = blocking(calleeOrigin(info, call), call.arguments);
      report(call, found, found?.[0] === 'R2.1');
      // A sync function handed to another function is called by it: `files.map(fs.statSync)`.
      for (const arg of call.arguments) {
        if (!mayBeImportedFunction(arg)) continue;
        const origin = valueOrigin(info, arg);
        if (origin?.node && /Sync$/.test(origin.name ?? '')) report(arg, blocking(origin, []), false);
      }
    }
    return { CallExpression: check, NewExpression: check };
  },
};
