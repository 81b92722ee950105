import { message } from '../messages.mjs';
import { builtinName, keyName, propertyName, staticString } from './util.mjs';

// R1.2/R4.1/R4.7: only the composition root (src/main.*) installs signal and process-level
// handlers and decides the exit code. Elsewhere a handler silently replaces Node's default
// terminate-on-signal, and a logging-only unhandledRejection handler keeps a broken process alive.
// `process.exit()` itself is n/no-process-exit; this rule adds the forms it misses
// (process['exit'], const { exit } = process, import { exit } from 'node:process', aliases).

const LISTEN = new Set(['on', 'once', 'addListener', 'prependListener', 'prependOnceListener']);
const PROCESS_EVENT = /^(SIG[A-Z0-9]+|unhandledRejection|uncaughtException|uncaughtExceptionMonitor|beforeExit)$/;
const FIX_HANDLER = 'install it in src/main.* (the composition root), or export a function that main.* calls';
const FIX_EXIT = 'throw (or reject) and let src/main.* set process.exitCode';

export default {
  meta: {
    type: 'problem',
    docs: { description: 'allow process handlers and process exit only in the composition root' },
    schema: [],
    messages: {
      handler: message('R4.1', "process.{{method}}('{{event}}') outside the composition root", FIX_HANDLER),
      dynamicHandler: message('R4.1', 'process.{{method}}() with a computed event name outside the composition root', FIX_HANDLER),
      exit: message('R1.2', 'exiting the process outside the composition root skips graceful shutdown', FIX_EXIT),
    },
  },
  create(context) {
    const processAliases = new Set(['process']);
    const isProcess = (node) =>
      (node.type === 'Identifier' && processAliases.has(node.name)) ||
      (node.type === 'MemberExpression' && propertyName(node) === 'process' && node.object.type === 'Identifier' && node.object.name === 'globalThis');
    return {
      ImportDeclaration(node) {
        if (builtinName(node.source.value) !== 'process') return;
        for (const spec of node.specifiers) {
          if (spec.type !== 'ImportSpecifier') {
            processAliases.add(spec.local.name);
          } else if ((spec.imported.name ?? spec.imported.value) === 'exit') {
            context.report({ node: spec, messageId: 'exit' });
          }
        }
      },
      CallExpression(node) {
        const callee = node.callee;
        if (callee.type !== 'MemberExpression' || !isProcess(callee.object)) return;
        const method = propertyName(callee);
        if (method === 'exit') {
          // plain `process.exit()` is n/no-process-exit's report; this rule takes the other forms
          if (callee.computed || callee.object.type !== 'Identifier' || callee.object.name !== 'process') {
            context.report({ node, messageId: 'exit' });
          }
          return;
        }
        if (!LISTEN.has(method)) return;
        const event = staticString(node.arguments[0]);
        if (event === null) {
          context.report({ node, messageId: 'dynamicHandler', data: { method } });
        } else if (PROCESS_EVENT.test(event)) {
          context.report({ node, messageId: 'handler', data: { method, event } });
        }
      },
      'VariableDeclarator > ObjectPattern.id'(pattern) {
        const init = pattern.parent.init;
        if (!init || !isProcess(init)) return;
        for (const prop of pattern.properties) if (keyName(prop) === 'exit') context.report({ node: prop, messageId: 'exit' });
      },
    };
  },
};
