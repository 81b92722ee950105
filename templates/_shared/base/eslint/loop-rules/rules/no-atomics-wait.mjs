import { message } from '../messages.mjs';
import { typeInfo } from './resolve.mjs';
import { keyName, propertyName } from './util.mjs';

// R2.1: Atomics.wait parks the thread. On the main thread that is time.sleep for the whole
// service (Node allows it there, unlike browsers). Allowed in worker files (src/workers/**).

const FIX = "await setTimeout(ms, undefined, { signal }) from 'node:timers/promises', or Atomics.waitAsync";

const isAtomics = (node) =>
  (node.type === 'Identifier' && node.name === 'Atomics') || (node.type === 'MemberExpression' && propertyName(node) === 'Atomics');

export default {
  meta: {
    type: 'problem',
    docs: { description: 'disallow Atomics.wait on the event-loop thread' },
    schema: [],
    messages: { wait: message('R2.1', 'Atomics.wait blocks the event loop like time.sleep', FIX) },
  },
  create(context) {
    if (typeInfo(context)) return {}; // loopsvc/no-blocking-call follows Atomics through any alias
    return {
      MemberExpression(node) {
        if (propertyName(node) === 'wait' && isAtomics(node.object)) context.report({ node, messageId: 'wait' });
      },
      'VariableDeclarator > ObjectPattern.id'(pattern) {
        if (!pattern.parent.init || !isAtomics(pattern.parent.init)) return;
        for (const prop of pattern.properties) if (keyName(prop) === 'wait') context.report({ node: prop, messageId: 'wait' });
      },
    };
  },
};
