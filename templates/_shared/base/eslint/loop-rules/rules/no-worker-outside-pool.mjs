import { message } from '../messages.mjs';
import { phase } from './phase.mjs';
import { calleeOrigin, lazilyImportedFiles, typeInfo } from './resolve.mjs';
import { propertyName } from './util.mjs';

// R2.4/R1.2: worker threads come from ONE pool created at startup (the pool module: src/pool.* or
// src/plugins/*-pool.*). A `new Worker()` (or a new piscina pool) per request pays thread start-up
// on every call and is unbounded; so does child_process.fork() per request.
// With type information the constructor is resolved by meaning: `import { Worker as Thread } from
// 'node:worker_threads'` is a thread, BullMQ's `Worker` (a Redis consumer) is not. Without it
// (plain JavaScript) the class name decides: Worker, Piscina, Tinypool.

const THREAD_CLASSES = new Set(['Worker', 'Piscina', 'Tinypool']);
const THREAD_PACKAGES = new Set(['piscina', 'tinypool']);
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

function isThread(origin) {
  if (!origin) return false;
  if (origin.node) return origin.module === 'worker_threads' && origin.name === 'Worker';
  return THREAD_PACKAGES.has(origin.module);
}

export default {
  meta: {
    type: 'problem',
    docs: { description: 'allow worker threads only in the pool module, and no process fork per request' },
    schema: [],
    messages: {
      worker: message('R2.4', 'new {{name}}() outside the pool module starts threads per call', FIX),
      fork: message('R2.4', 'child_process.fork() while serving starts a Node process per call', 'fork the processes once at startup (or use the worker pool) and send them work'),
    },
  },
  create(context) {
    const info = typeInfo(context);
    if (info) {
      const lazy = lazilyImportedFiles(info);
      return {
        NewExpression(node) {
          const origin = calleeOrigin(info, node);
          if (isThread(origin)) context.report({ node, messageId: 'worker', data: { name: origin.name ?? 'Worker' } });
        },
        CallExpression(node) {
          const origin = calleeOrigin(info, node);
          if (origin?.node && origin.module === 'child_process' && origin.name === 'fork' && phase(context, node, lazy) === 'serving') {
            context.report({ node, messageId: 'fork' });
          }
        },
      };
    }
    return {
      NewExpression(node) {
        const callee = node.callee;
        const name = callee.type === 'Identifier' ? callee.name : callee.type === 'MemberExpression' ? propertyName(callee) : null;
        // without types, the import still tells a queue consumer (BullMQ's Worker) from a thread
        if (callee.type === 'Identifier' && NOT_THREADS.has(importedFrom(context, node, callee.name) ?? '')) return;
        if (name && THREAD_CLASSES.has(name)) context.report({ node, messageId: 'worker', data: { name } });
      },
    };
  },
};
