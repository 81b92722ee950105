// WHEN a piece of code runs, not where it lives. Blocking during startup (before the service
// serves) costs nothing; blocking after it stalls every request. `phase(context, node)` answers
// 'startup' or 'serving' from the code around `node`:
//
//   startup  module top level (unless the module is imported lazily from a function, where its
//            top level runs when that function runs), static class blocks and fields, a plugin
//            body (`app.register(fn)`, `fp(fn)`, an exported `function (app, opts)`), the part of a
//            function that serves (`listen()`, `bot.start()`, `bot.launch()`, `serve()`) before it serves,
//            `process.on('exit')` (only sync code can run there), callbacks that run immediately
//            (IIFE, `new Promise(executor)`, array iteration), and a local function whose every
//            use is one of these.
//   serving  everything else: route handlers, hooks, middleware, job handlers, listeners, timers,
//            `.then` callbacks, constructors and instance fields (run on every `new`), exported
//            functions (any module may call them later), and code after `listen()`.
//
// With type information (`startupOnly`, ./resolve.mjs) an exported function or a method whose
// every call in the program runs at startup is startup too (a factory's `ensureDir()` called
// from a plugin body). Limits a static analysis cannot decide (reported as 'serving', the safe
// side): a function handed on as a callback, a module reached lazily through several static
// imports, code selected at run time (`if (process.env.X)`).

import { FUNCTION_TYPES, IMMEDIATE_ITERATION, PLUGIN_PARAM } from './util.mjs';

const PLUGIN_WRAPPERS = new Set(['fp', 'fastifyPlugin']);
const MAX_DEPTH = 4;

const name = (node) => (node?.type === 'Identifier' ? node.name : node?.type === 'Literal' ? String(node.value) : null);
const memberName = (callee) => (callee?.type === 'MemberExpression' && !callee.computed ? name(callee.property) : null);

function skipWrappers(node) {
  let n = node.parent;
  let child = node;
  while (n && ['TSAsExpression', 'TSNonNullExpression', 'TSSatisfiesExpression', 'ChainExpression', 'AwaitExpression'].includes(n.type)) {
    child = n;
    n = n.parent;
  }
  return { parent: n, child };
}

/** A call that serves: `app.listen()`, `bot.start()`, `serve(app)`, `run(bot)`. */
function isServeCall(node) {
  if (node?.type !== 'CallExpression') return false;
  const m = memberName(node.callee);
  if (m === 'listen') return true;
  if ((m === 'start' || m === 'launch') && /(bot|server|app|runner)$/i.test(name(node.callee.object) ?? '')) return true;
  return node.callee.type === 'Identifier' && (node.callee.name === 'serve' || (node.callee.name === 'run' && name(node.arguments[0]) === 'bot'));
}

/** The position where `fn`'s own body starts serving, or Infinity. Nested functions do not count. */
const servesCache = new WeakMap();
function servesAt(fn) {
  if (servesCache.has(fn)) return servesCache.get(fn);
  let first = Infinity;
  const stack = fn.type === 'Program' ? [...fn.body] : [fn.body];
  while (stack.length > 0) {
    const n = stack.pop();
    if (!n || typeof n.type !== 'string') continue;
    if (isServeCall(n)) first = Math.min(first, n.range[0]);
    for (const [key, value] of Object.entries(n)) {
      if (key === 'parent' || key === 'range' || key === 'loc') continue;
      for (const child of Array.isArray(value) ? value : [value]) {
        if (child && typeof child.type === 'string' && !FUNCTION_TYPES.has(child.type)) stack.push(child);
      }
    }
  }
  servesCache.set(fn, first);
  return first;
}

const isPluginFunction = (fn) => fn.params.length >= 1 && PLUGIN_PARAM.test(name(fn.params[0]) ?? '');

/** What running `fn` (passed at position `arg` of `call`) means: 'transparent' (runs now), 'startup', or 'serving'. */
function callbackRole(call, arg) {
  const callee = call.callee;
  const method = memberName(callee);
  if (call.type === 'NewExpression') return name(callee) === 'Promise' ? 'transparent' : 'serving';
  if (method && ['on', 'once', 'addListener', 'prependListener', 'prependOnceListener'].includes(method) && name(callee.object) === 'process') {
    return call.arguments[0]?.type === 'Literal' && call.arguments[0].value === 'exit' ? 'startup' : 'serving';
  }
  if (method === 'register' && call.arguments[0] === arg) return 'transparent';
  if (callee.type === 'Identifier' && PLUGIN_WRAPPERS.has(callee.name) && call.arguments[0] === arg) return 'transparent';
  if (method && IMMEDIATE_ITERATION.has(method) && call.arguments[0] === arg) return 'transparent';
  return 'serving';
}

function isExported(node) {
  const p = node.parent;
  if (p?.type === 'ExportNamedDeclaration' || p?.type === 'ExportDefaultDeclaration') return true;
  return p?.type === 'VariableDeclaration' && ['ExportNamedDeclaration'].includes(p.parent?.type);
}

/** A named local function: startup when every use of it runs at startup. */
function referencesPhase(state, fn, holder, depth) {
  if (depth > MAX_DEPTH) return 'serving';
  if (isExported(holder)) return isPluginFunction(fn) ? 'startup' : 'serving';
  const variable = state.sourceCode.getDeclaredVariables(holder).find((v) => v.defs.some((d) => d.node === holder));
  const refs = (variable?.references ?? []).filter((r) => r.isRead());
  if (refs.length === 0) return 'serving';
  for (const ref of refs) {
    const { parent, child } = skipWrappers(ref.identifier);
    let result;
    if (parent?.type === 'CallExpression' && parent.callee === child) result = phaseAt(state, parent, depth + 1);
    else if ((parent?.type === 'CallExpression' || parent?.type === 'NewExpression') && parent.arguments.includes(child)) {
      const role = callbackRole(parent, child);
      result = role === 'transparent' ? phaseAt(state, parent, depth + 1) : role;
    } else if (parent?.type === 'ExportSpecifier' || parent?.type === 'ExportDefaultDeclaration') result = isPluginFunction(fn) ? 'startup' : 'serving';
    else result = 'serving';
    if (result !== 'startup') return 'serving';
  }
  return 'startup';
}

function functionRole(state, fn, inner, depth) {
  if (servesAt(fn) !== Infinity) return inner.range[0] < servesAt(fn) ? 'startup' : 'serving';
  const { parent, child } = skipWrappers(fn);
  if (parent?.type === 'CallExpression' && parent.callee === child) return 'transparent';
  if ((parent?.type === 'CallExpression' || parent?.type === 'NewExpression') && parent.arguments.includes(child)) return callbackRole(parent, child);
  if (fn.type === 'FunctionDeclaration') {
    if (parent?.type === 'ExportDefaultDeclaration') return isPluginFunction(fn) ? 'startup' : 'serving';
    return referencesPhase(state, fn, fn, depth);
  }
  if (parent?.type === 'VariableDeclarator' && parent.init === child && parent.id.type === 'Identifier') return referencesPhase(state, fn, parent, depth);
  if (parent?.type === 'ExportDefaultDeclaration') return isPluginFunction(fn) ? 'startup' : 'serving';
  return 'serving';
}

function phaseAt(state, node, depth) {
  let child = node;
  for (let n = node.parent; n; child = n, n = n.parent) {
    if (n.type === 'PropertyDefinition' && child === n.value) {
      if (!n.static) return 'serving'; // runs on every `new`
      continue;
    }
    if (n.type === 'MethodDefinition') return state.startupOnly?.(n.value) ? 'startup' : 'serving';
    if (FUNCTION_TYPES.has(n.type) && child !== n.id && !n.params.includes(child)) {
      const role = functionRole(state, n, node, depth);
      // Called from elsewhere (exported, a method): startup when the type checker sees every
      // call of it run at startup, in whatever module.
      if (role === 'serving' && n.parent?.type !== 'CallExpression' && state.startupOnly?.(n)) return 'startup';
      if (role !== 'transparent') return role;
    }
  }
  // Module top level: startup, unless the module is imported lazily, or this runs after the
  // module's own top-level listen() (a main.* that serves, then goes on).
  if (state.lazy) return 'serving';
  const program = state.sourceCode.ast;
  return node.range[0] > servesAt(program) ? 'serving' : 'startup';
}

/**
 * 'startup' or 'serving' for `node`. `lazyFiles` (a Set of file names, from the type checker)
 * marks modules imported lazily, whose top level runs after startup.
 */
export function phase(context, node, lazyFiles, startupOnly) {
  const state = { sourceCode: context.sourceCode, lazy: Boolean(lazyFiles?.has(context.filename)), startupOnly };
  return phaseAt(state, node, 0);
}

export const runsAtStartup = (context, node, lazyFiles) => phase(context, node, lazyFiles) === 'startup';
