import { message } from '../messages.mjs';
import { typeInfo } from './resolve.mjs';
import { builtinName, keyName, propertyName, resolveVariable, staticString } from './util.mjs';

// R1.2/R4.1/R4.7: only the composition root (src/main.* by default) installs signal and process-level
// handlers and decides the exit code. Elsewhere a handler silently replaces Node's default
// terminate-on-signal, and a logging-only unhandledRejection handler keeps a broken process alive.
// `process.exit()` itself is n/no-process-exit; this rule adds the forms it misses:
//   process['exit'](), const { exit } = process, import { exit } from 'node:process', aliases,
//   process.exit taken as a value (`setTimeout(process.exit, ms, 1)`), process.kill(process.pid),
//   process.abort()/reallyExit(); handlers through events (`once(process, 'SIGTERM')`,
//   `on(process, 'SIGINT')`), close-with-grace called outside the root, and (with type
//   information) any value of type NodeJS.Process, e.g. a `process` passed in as a parameter.

const LISTEN = new Set(['on', 'once', 'addListener', 'prependListener', 'prependOnceListener']);
const PROCESS_EVENT = /^(SIG[A-Z0-9]+|unhandledRejection|uncaughtException|uncaughtExceptionMonitor|beforeExit)$/;
const EXITS = new Set(['exit', 'abort', 'reallyExit']);
const FIX_HANDLER = 'install it in {{root}} (the composition root), or export a function that it calls';
const FIX_EXIT = 'throw (or reject) and let {{root}} set process.exitCode';

export default {
  meta: {
    type: 'problem',
    docs: { description: 'allow process handlers and process exit only in the composition root' },
    schema: [{ type: 'object', properties: { root: { type: 'string' } }, additionalProperties: false }],
    messages: {
      handler: message('R4.1', "process.{{method}}('{{event}}') outside the composition root", FIX_HANDLER),
      eventsHandler: message('R4.1', "{{method}}(process, '{{event}}') outside the composition root", FIX_HANDLER),
      dynamicHandler: message('R4.1', 'process.{{method}}() with a computed event name outside the composition root', FIX_HANDLER),
      closeWithGrace: message('R4.1', 'close-with-grace installs signal handlers and exits the process: outside the composition root', 'call it once in {{root}} and pass it the app to close'),
      exit: message('R1.2', 'exiting the process outside the composition root skips graceful shutdown', FIX_EXIT),
      kill: message('R1.2', 'signalling its own process outside the composition root', 'throw (or reject) and let {{root}} decide how the process ends'),
    },
  },
  create(context) {
    // the file(s) the config names as the composition root, for the fix text
    const root = context.options[0]?.root ?? 'src/main.*';
    const report = (descriptor) => context.report({ ...descriptor, data: { ...descriptor.data, root } });
    const info = typeInfo(context);
    const processAliases = new Set(['process']);
    const eventsFunctions = new Map(); // local name → 'on' | 'once'
    const eventsNamespaces = new Set();
    const graceNames = new Set();
    const isProcessType = (node) => {
      if (!info) return false;
      const tsNode = info.map.get(node);
      const symbol = tsNode && info.checker.getTypeAtLocation(tsNode).getSymbol();
      return symbol?.name === 'Process' && (symbol.declarations ?? []).some((d) => /[\\/]@types[\\/]node[\\/]/.test(d.getSourceFile().fileName));
    };
    const isProcess = (node) =>
      (node.type === 'Identifier' && processAliases.has(node.name)) ||
      (node.type === 'MemberExpression' && propertyName(node) === 'process' && node.object.type === 'Identifier' && node.object.name === 'globalThis') ||
      ((node.type === 'Identifier' || node.type === 'MemberExpression') && isProcessType(node));
    const isOwnPid = (node) => node?.type === 'MemberExpression' && propertyName(node) === 'pid' && isProcess(node.object);

    return {
      ImportDeclaration(node) {
        const source = builtinName(node.source.value);
        for (const spec of node.specifiers) {
          const imported = spec.type === 'ImportSpecifier' ? (spec.imported.name ?? spec.imported.value) : null;
          if (source === 'process') {
            if (spec.type !== 'ImportSpecifier') processAliases.add(spec.local.name);
            else if (EXITS.has(imported)) report({ node: spec, messageId: 'exit' });
          } else if (source === 'events') {
            if (spec.type !== 'ImportSpecifier') eventsNamespaces.add(spec.local.name);
            else if (imported === 'on' || imported === 'once') eventsFunctions.set(spec.local.name, imported);
          } else if (source === 'close-with-grace' && spec.type !== 'ImportSpecifier') {
            graceNames.add(spec.local.name);
          }
        }
      },
      CallExpression(node) {
        const callee = node.callee;
        // events.once(process, 'SIGTERM') / on(process, 'SIGINT')
        const eventsMethod =
          callee.type === 'Identifier'
            ? eventsFunctions.get(callee.name)
            : callee.type === 'MemberExpression' && callee.object.type === 'Identifier' && eventsNamespaces.has(callee.object.name)
              ? propertyName(callee)
              : null;
        if ((eventsMethod === 'on' || eventsMethod === 'once') && node.arguments[0] && isProcess(node.arguments[0])) {
          const event = staticString(node.arguments[1]);
          if (event === null || PROCESS_EVENT.test(event)) report({ node, messageId: 'eventsHandler', data: { method: eventsMethod, event: event ?? '…' } });
          return;
        }
        if (callee.type === 'Identifier' && graceNames.has(callee.name)) {
          report({ node, messageId: 'closeWithGrace' });
          return;
        }
        if (callee.type !== 'MemberExpression' || !isProcess(callee.object)) return;
        const method = propertyName(callee);
        if (EXITS.has(method)) {
          // plain `process.exit()` is n/no-process-exit's report; this rule takes the other forms
          if (method !== 'exit' || callee.computed || callee.object.type !== 'Identifier' || callee.object.name !== 'process') {
            report({ node, messageId: 'exit' });
          }
          return;
        }
        if (method === 'kill') {
          if (isOwnPid(node.arguments[0])) report({ node, messageId: 'kill' });
          return;
        }
        if (!LISTEN.has(method)) return;
        const event = staticString(node.arguments[0]);
        if (event === null) {
          report({ node, messageId: 'dynamicHandler', data: { method } });
        } else if (PROCESS_EVENT.test(event)) {
          report({ node, messageId: 'handler', data: { method, event } });
        }
      },
      // process.exit as a value: setTimeout(process.exit, ms, 1), const quit = process.exit
      MemberExpression(node) {
        if (!EXITS.has(propertyName(node)) || !isProcess(node.object)) return;
        const parent = node.parent;
        if (parent.type === 'CallExpression' && parent.callee === node) return;
        if (parent.type === 'AssignmentExpression' && parent.left === node) return;
        report({ node, messageId: 'exit' });
      },
      // require('close-with-grace') / const closeWithGrace = require(...)
      'VariableDeclarator[init.type="CallExpression"][init.callee.name="require"]'(node) {
        if (staticString(node.init.arguments[0]) === 'close-with-grace' && node.id.type === 'Identifier') graceNames.add(node.id.name);
        if (builtinName(staticString(node.init.arguments[0])) === 'process' && node.id.type === 'Identifier') processAliases.add(node.id.name);
      },
      'VariableDeclarator > ObjectPattern.id'(pattern) {
        const init = pattern.parent.init;
        if (!init || !isProcess(init)) return;
        for (const prop of pattern.properties) if (EXITS.has(keyName(prop))) report({ node: prop, messageId: 'exit' });
      },
      // const proc = process
      'VariableDeclarator[id.type="Identifier"]'(node) {
        if (node.init?.type === 'Identifier' && processAliases.has(node.init.name) && resolveVariable(context.sourceCode, node.init)?.defs.length !== 1) {
          processAliases.add(node.id.name);
        }
      },
    };
  },
};
