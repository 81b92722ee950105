import { message, resourceOf } from '../messages.mjs';
import { calleeOrigin, typeInfo } from './resolve.mjs';
import { FUNCTION_TYPES, IMMEDIATE_ITERATION, propertyName, resolveVariable } from './util.mjs';

// R3.1: resources are opened by their owner at startup (an onReady hook, a fastify-plugin, main)
// and closed at shutdown.
//   - at import time (module top level): nobody owns it, nothing closes it, tests that import the
//     module open it too. Resolved by meaning (messages.mjs RESOURCES: undici Pool/Agent, pg,
//     Redis, piscina, a write stream…), so it needs type information.
//   - per request (inside a route handler, a request hook, bot middleware, a listener): a new
//     pool or agent per call is unbounded and never reuses a connection.
//   - setInterval whose timer is dropped or never passed to clearInterval: it keeps running
//     after shutdown began (and keeps the process alive unless unref'd). Syntactic.

const HANDLER_METHODS = new Set(['get', 'post', 'put', 'patch', 'delete', 'head', 'options', 'all', 'route', 'command', 'hears', 'callbackQuery', 'on', 'once', 'use', 'handle']);
const APP_HOOKS = new Set(['onReady', 'onListen', 'preClose', 'onClose', 'onRoute', 'onRegister']);
const FIX = 'open it once in an onReady hook or plugin (main.* for bots and workers), app.decorate() it, and close it in onClose';

/** 'import' at module top level, 'request' inside a handler callback, else null (a function we cannot place). */
function placement(node) {
  for (let n = node.parent, child = node; n; child = n, n = n.parent) {
    if (n.type === 'PropertyDefinition' && child === n.value && !n.static) return null;
    if (!FUNCTION_TYPES.has(n.type)) continue;
    const parent = n.parent;
    if (parent?.type === 'CallExpression' && parent.callee === n) continue; // IIFE
    if (parent?.type === 'CallExpression' && parent.arguments.includes(n)) {
      const method = parent.callee.type === 'MemberExpression' ? propertyName(parent.callee) : null;
      if (method && IMMEDIATE_ITERATION.has(method)) continue;
      if (method === 'addHook') return APP_HOOKS.has(parent.arguments[0]?.value) ? null : 'request';
      if (method && HANDLER_METHODS.has(method)) return 'request';
    }
    return null;
  }
  return 'import';
}

export default {
  meta: {
    type: 'problem',
    docs: { description: 'require resources to be opened by their owner at startup and closed at shutdown' },
    schema: [],
    messages: {
      importTime: message('R3.1', '{{what}} opened at import time: nobody owns or closes it', FIX),
      perRequest: message('R3.1', '{{what}} opened per request: unbounded, and no connection is reused', FIX),
      interval: message('R3.1', 'setInterval whose timer is never cleared keeps running after shutdown begins', 'keep the timer and clearInterval() it in onClose (or the shutdown path); for periodic work prefer a loop with await setTimeout(ms, undefined, { signal })'),
    },
  },
  create(context) {
    const info = typeInfo(context);
    const { sourceCode } = context;
    const cleared = new Set();
    const intervals = [];
    const isGlobalSetInterval = (callee) => callee.type === 'Identifier' && callee.name === 'setInterval' && (resolveVariable(sourceCode, callee)?.defs.length ?? 0) === 0;

    function checkResource(node) {
      if (!info) return;
      const resource = resourceOf(calleeOrigin(info, node));
      if (!resource) return;
      const where = placement(node);
      if (where === 'import') context.report({ node, messageId: 'importTime', data: { what: resource.what } });
      else if (where === 'request' && !resource.importTime) context.report({ node, messageId: 'perRequest', data: { what: resource.what } });
    }

    return {
      NewExpression: checkResource,
      CallExpression(node) {
        checkResource(node);
        const callee = node.callee;
        if (callee.type === 'Identifier' && (callee.name === 'clearInterval' || callee.name === 'clearTimeout')) {
          const arg = node.arguments[0];
          const name = arg?.type === 'Identifier' ? arg.name : arg?.type === 'MemberExpression' ? propertyName(arg) : null;
          if (name) cleared.add(name);
        } else if (isGlobalSetInterval(callee)) {
          let holder = node.parent;
          while (holder.type === 'MemberExpression' || (holder.type === 'CallExpression' && holder.callee.type === 'MemberExpression')) holder = holder.parent; // .unref()
          const name =
            holder.type === 'VariableDeclarator' && holder.id.type === 'Identifier' ? holder.id.name : holder.type === 'AssignmentExpression' ? (holder.left.type === 'Identifier' ? holder.left.name : holder.left.type === 'MemberExpression' ? propertyName(holder.left) : null) : null;
          if (holder.type === 'ReturnStatement' || holder.type === 'ArrowFunctionExpression' || holder.type === 'Property' || holder.type === 'CallExpression' || holder.type === 'NewExpression') return; // handed to a caller who owns it
          intervals.push({ node, name });
        }
      },
      'Program:exit'() {
        for (const { node, name } of intervals) if (!name || !cleared.has(name)) context.report({ node, messageId: 'interval' });
      },
    };
  },
};
