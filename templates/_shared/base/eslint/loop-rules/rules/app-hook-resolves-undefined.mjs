import { message } from '../messages.mjs';
import { FUNCTION_TYPES, resolveVariable, staticString } from './util.mjs';

// R3.2 (P4): Fastify hooks that can never complete, or complete with an error.
//   - Fastify runs async application hooks as `ret.then(done, done)`, so one that resolves a
//     value fails: `addHook('onReady', async () => pool.connect())` makes listen() reject with
//     the client. Caught: a concise async arrow, `return <value>` in an async hook body, and the
//     same in a named hook function declared in this file (`addHook('onReady', connectPool)`).
//   - A callback-style hook (not async, declaring `done`) that never calls or passes `done`
//     hangs the request (or listen/close) forever.
//   - An async hook that also declares `done`: Fastify rejects the mix (or waits for `done`).

const APP_HOOKS = new Set(['onReady', 'onListen', 'preClose', 'onClose']);
// The number of parameters a callback-style hook takes, `done` last (Fastify Hooks.md).
const HOOK_ARITY = {
  onRequest: 3, preParsing: 4, preValidation: 3, preHandler: 3, preSerialization: 4, onSend: 4, onResponse: 3, onError: 4,
  onTimeout: 3, onRequestAbort: 2, onReady: 1, onListen: 1, preClose: 1, onClose: 2,
};
const FIX = 'write a block body, `async () => { await pool.connect() }`, so the hook resolves undefined';

const isUndefined = (node) => node.type === 'Identifier' && node.name === 'undefined';

/** The function a hook argument is: inline, or a function declared in this file under that name. */
function hookFunction(sourceCode, arg) {
  if (!arg) return null;
  if (FUNCTION_TYPES.has(arg.type)) return arg;
  if (arg.type !== 'Identifier') return null;
  const def = resolveVariable(sourceCode, arg)?.defs[0];
  if (def?.node.type === 'FunctionDeclaration') return def.node;
  if (def?.node.type === 'VariableDeclarator' && def.node.init && FUNCTION_TYPES.has(def.node.init.type)) return def.node.init;
  return null;
}

/** Walk `fn`'s own body (not nested functions) for nodes matching `test`. */
function own(fn, test) {
  const found = [];
  const stack = [fn.body];
  while (stack.length > 0) {
    const n = stack.pop();
    if (test(n)) found.push(n);
    for (const [key, value] of Object.entries(n)) {
      if (key === 'parent') continue;
      for (const child of Array.isArray(value) ? value : [value]) {
        if (child && typeof child.type === 'string' && !FUNCTION_TYPES.has(child.type)) stack.push(child);
      }
    }
  }
  return found;
}

export default {
  meta: {
    type: 'problem',
    docs: { description: 'require Fastify hooks that complete: async app hooks resolve undefined, callback hooks call done' },
    schema: [],
    messages: {
      concise: message('R3.2', "async '{{hook}}' hook with an expression body resolves a value, which Fastify treats as an error", FIX),
      returns: message('R3.2', "async '{{hook}}' hook returns a value, which Fastify treats as an error", FIX),
      neverDone: message('R3.2', "'{{hook}}' hook never calls '{{done}}', so it never completes", "call done() on every path (done(err) on failure), or write an async hook without done"),
      asyncDone: message('R3.2', "async '{{hook}}' hook also takes '{{done}}': Fastify rejects the mix", "drop the done parameter and let the promise complete the hook"),
    },
  },
  create(context) {
    return {
      CallExpression(node) {
        const callee = node.callee;
        const isAddHook =
          (callee.type === 'MemberExpression' && !callee.computed && callee.property.name === 'addHook') ||
          (callee.type === 'Identifier' && callee.name === 'addHook');
        if (!isAddHook) return;
        const hook = staticString(node.arguments[0]);
        const fn = hookFunction(context.sourceCode, node.arguments[1]);
        if (!hook || !fn) return;
        const arity = HOOK_ARITY[hook];
        const at = node.arguments[1];
        if (arity && fn.params.length === arity && fn.params[arity - 1].type === 'Identifier') {
          const done = fn.params[arity - 1].name;
          if (fn.async || fn.generator) {
            context.report({ node: at, messageId: 'asyncDone', data: { hook, done } });
            return;
          }
          const variable = context.sourceCode.getDeclaredVariables(fn).find((v) => v.name === done);
          if (variable && variable.references.length === 0) context.report({ node: at, messageId: 'neverDone', data: { hook, done } });
          return;
        }
        if (!APP_HOOKS.has(hook) || !fn.async) return;
        if (fn.body.type !== 'BlockStatement') {
          if (fn.body.type === 'UnaryExpression' && fn.body.operator === 'void') return;
          if (isUndefined(fn.body)) return;
          context.report({ node: at, messageId: 'concise', data: { hook } });
          return;
        }
        for (const ret of own(fn, (n) => n.type === 'ReturnStatement' && n.argument && !isUndefined(n.argument))) {
          context.report({ node: fn === at ? ret : at, messageId: 'returns', data: { hook } });
        }
      },
    };
  },
};
