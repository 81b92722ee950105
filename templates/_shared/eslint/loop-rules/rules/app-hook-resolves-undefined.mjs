import { message } from '../messages.mjs';
import { staticString } from './util.mjs';

// R3.2 (P4): Fastify runs async application hooks as `ret.then(done, done)`, so a hook that
// resolves any value fails: `addHook('onReady', async () => pool.connect())` makes listen()
// reject with the client object. Caught: a concise async arrow (its value is the result) and
// `return <value>` in an async hook body.

const APP_HOOKS = new Set(['onReady', 'onListen', 'preClose', 'onClose']);
const FIX = 'write a block body, `async () => { await pool.connect() }`, so the hook resolves undefined';
const FUNCTION_TYPES = new Set(['FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression']);

const isUndefined = (node) => node.type === 'Identifier' && node.name === 'undefined';

export default {
  meta: {
    type: 'problem',
    docs: { description: 'require async Fastify application hooks to resolve undefined' },
    schema: [],
    messages: {
      concise: message('R3.2', "async '{{hook}}' hook with an expression body resolves a value, which Fastify treats as an error", FIX),
      returns: message('R3.2', "async '{{hook}}' hook returns a value, which Fastify treats as an error", FIX),
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
        const fn = node.arguments[1];
        if (!APP_HOOKS.has(hook) || !fn || !FUNCTION_TYPES.has(fn.type) || !fn.async) return;
        if (fn.body.type !== 'BlockStatement') {
          if (fn.body.type === 'UnaryExpression' && fn.body.operator === 'void') return;
          if (isUndefined(fn.body)) return;
          context.report({ node: fn, messageId: 'concise', data: { hook } });
          return;
        }
        // Walk the hook's own body for `return <value>`; nested functions return for themselves.
        const stack = [fn.body];
        while (stack.length > 0) {
          const n = stack.pop();
          if (n.type === 'ReturnStatement' && n.argument && !isUndefined(n.argument)) {
            context.report({ node: n, messageId: 'returns', data: { hook } });
          }
          for (const [key, value] of Object.entries(n)) {
            if (key === 'parent') continue;
            for (const child of Array.isArray(value) ? value : [value]) {
              if (child && typeof child.type === 'string' && !FUNCTION_TYPES.has(child.type)) stack.push(child);
            }
          }
        }
      },
    };
  },
};
