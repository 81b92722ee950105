import { message } from '../messages.mjs';
import { propertyName } from './util.mjs';

// R2.4/R1.2: worker threads come from ONE pool created at startup (the pool module: src/pool.* or
// src/plugins/*-pool.*). A `new Worker()` (or a new piscina pool) per request pays thread start-up
// on every call and is unbounded.

const THREAD_CLASSES = new Set(['Worker', 'Piscina', 'Tinypool']);
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
        if (name && THREAD_CLASSES.has(name)) context.report({ node, messageId: 'worker', data: { name } });
      },
    };
  },
};
