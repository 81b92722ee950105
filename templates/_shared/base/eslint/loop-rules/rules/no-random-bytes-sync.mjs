import { message } from '../messages.mjs';
import { runsAtStartup } from './phase.mjs';
import { typeInfo } from './resolve.mjs';
import { importOrigin, isDeclaredInProject, propertyName, resolveVariable, unwrap } from './util.mjs';

// R2.3: crypto.randomBytes(n) WITHOUT a callback is synchronous (Node's UV_THREADPOOL_SIZE docs:
// "crypto.randomBytes(), unless it is used without a callback"). n/no-sync cannot see it: the
// name has no Sync suffix. Caught as crypto.randomBytes(n), randomBytes(n) imported or required
// from crypto (aliases included), and namespace imports.

const FIX = 'pass a callback, or await util.promisify(crypto.randomBytes)(n); use crypto.randomUUID() for ids';

export default {
  meta: {
    type: 'problem',
    docs: { description: 'disallow crypto.randomBytes without a callback' },
    schema: [{ type: 'object', properties: { allowAtRootLevel: { type: 'boolean' } }, additionalProperties: false }],
    messages: { sync: message('R2.3', 'randomBytes without a callback is synchronous and blocks the loop', FIX) },
  },
  create(context) {
    if (typeInfo(context)) return {}; // loopsvc/no-blocking-call resolves it by meaning
    const { sourceCode } = context;

    function isRandomBytes(callee) {
      const c = unwrap(callee);
      if (c.type === 'MemberExpression') {
        if (propertyName(c) !== 'randomBytes') return false;
        return !isDeclaredInProject(context, c.property);
      }
      if (c.type !== 'Identifier') return false;
      const variable = resolveVariable(sourceCode, c);
      if (!variable || variable.defs.length === 0) return c.name === 'randomBytes';
      const origin = importOrigin(variable);
      if (origin) return origin.source === 'crypto' && origin.imported === 'randomBytes';
      return false; // a local function or value of the same name
    }

    return {
      CallExpression(node) {
        if (node.arguments.length >= 2 || !isRandomBytes(node.callee)) return;
        if (node.arguments.some((a) => a.type === 'SpreadElement')) return;
        if (runsAtStartup(context, node)) return;
        context.report({ node, messageId: 'sync' });
      },
    };
  },
};
