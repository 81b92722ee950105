import { message } from '../messages.mjs';
import { propertyName } from './util.mjs';

// R2.4/R1.2: worker threads come from ONE pool created at startup (the pool module: src/pool.* or
// src/plugins/*-pool.*). A `new Worker()` (or a new piscina pool) per request pays thread start-up
// on every call and is unbounded.

const THREAD_CLASSES = new Set(['Worker', 'Piscina', 'Tinypool']);
// A class imported from one of these is not a thread: BullMQ's `Worker` is a queue consumer.
const NOT_THREADS = new Set(['bullmq']);

/** The module a name was imported from, or undefined (a global, a local, a parameter). */
function importedFrom(context, node, name) {
  for (let scope = context.sourceCode.getScope(node); scope; scope = scope.upper) {
    const variable = scope.set.get(name);
    if (!variable) continue;
    const def = variable.defs[0];
    return def?.type === 'ImportBinding' ? def.parent.source.value : undefined;
  }
  return undefined;
}
const FIX = 'run the task on the pool created at startup: await pool.run(data, { signal })';

export default {
  meta: {
    type: 'problem',
    docs: { description: 'allow worker threads only in the pool module' },
    schema: [],
    messages: { worker: message('R2.4', "new {{name}}() outside the pool module starts threads per call", FIX) },
  },
  create(context) {
    return {
      NewExpression(node) {
        const callee = node.callee;
        const name = callee.type === 'Identifier' ? callee.name : callee.type === 'MemberExpression' ? propertyName(callee) : null;
        if (!name || !THREAD_CLASSES.has(name)) return;
        if (callee.type === 'Identifier' && NOT_THREADS.has(importedFrom(context, node, name))) return;
        context.report({ node, messageId: 'worker', data: { name } });
      },
    };
  },
};
