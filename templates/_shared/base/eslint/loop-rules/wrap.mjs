import { runsAtStartup } from './rules/phase.mjs';
import { typeInfo } from './rules/resolve.mjs';
import { FUNCTION_TYPES, isDeclaredInProject, PLUGIN_PARAM } from './rules/util.mjs';

/**
 * Re-exports a rule of another plugin (typescript-eslint, eslint-plugin-n, ESLint core) under
 * `loopsvc/`, with the same options and behaviour, but with messages that name the rule id
 * and the fix. ESLint reads a report's text from the meta.messages of the rule it ran, so only
 * the messages change (`fixes` by messageId where one fix does not fit all); `suggestions` keep
 * their own wording. `keep(descriptor, context)` may drop
 * a report.
 */
export function wrapRule(rule, { id, fix, fixes = {}, suggestions = [], keep }) {
  const messages = Object.fromEntries(
    Object.entries(rule.meta.messages).map(([key, text]) => [
      key,
      suggestions.includes(key) ? text : `${id}: ${text.replace(/\.$/, '')}. Fix: ${fixes[key] ?? fix}.`,
    ]),
  );
  return {
    ...rule,
    meta: { ...rule.meta, messages },
    create(context) {
      if (!keep) return rule.create(context);
      // The rule context is frozen; a child object overrides only `report`.
      const filtered = Object.create(context, {
        report: { value: (descriptor) => (keep(descriptor, context) ? context.report(descriptor) : undefined) },
      });
      return rule.create(filtered);
    },
  };
}

/**
 * n/no-sync goes by the `Sync` suffix alone. With type information loopsvc/no-blocking-call decides
 * by meaning, so this keeps nothing. Without it (plain JavaScript), a report is kept when the call
 * can run while serving (./rules/phase.mjs) and the function is not the project's own.
 */
export function untypedServingSync(descriptor, context) {
  if (typeInfo(context)) return false;
  const node = descriptor.node;
  if (runsAtStartup(context, node)) return false;
  const identifier = node.type === 'MemberExpression' ? node.property : node.type === 'CallExpression' ? node.callee : null;
  if (!identifier || identifier.type !== 'Identifier') return true;
  return !isDeclaredInProject(context, identifier);
}

const LOOPS = new Set(['ForStatement', 'ForOfStatement', 'ForInStatement', 'WhileStatement', 'DoWhileStatement']);

/**
 * no-await-in-loop is about a collection awaited one by one (`for (const u of urls) await get(u)`,
 * fix: Promise.all). A `while`/`do`/`for (;;)` loop that awaits is a poll or worker loop,
 * sequential by nature: not reported.
 */
export function awaitOverACollection(descriptor) {
  for (let n = descriptor.node.parent; n; n = n.parent) {
    if (FUNCTION_TYPES.has(n.type)) return true;
    if (LOOPS.has(n.type)) return n.type !== 'WhileStatement' && n.type !== 'DoWhileStatement' && !(n.type === 'ForStatement' && !n.test);
  }
  return true;
}

/**
 * require-await on a function a framework calls is noise: it wants a promise-returning function,
 * and `async` is how a handler that does only sync work returns one. Dropped for an async
 * function passed to a call (a Fastify handler or hook, grammY middleware, a job processor), a
 * plugin (`async (fastify) => …`, `export default async function (app)`), one typed by its
 * declaration (`const plugin: FastifyPluginAsync = async …`), a method (or a field holding an
 * arrow) of a class that extends or implements a contract or of an object literal passed to a
 * call, a class field with a declared type, and a declared function handed on as a value (`decorateRequest('isAdmin', isAdmin)`). Functions only ever called keep it.
 */
export function asyncNotExpected(descriptor, context) {
  let fn = descriptor.node;
  while (fn && !FUNCTION_TYPES.has(fn.type)) fn = fn.parent;
  if (!fn) return true;
  const parent = fn.parent;
  if (parent && (parent.type === 'CallExpression' || parent.type === 'NewExpression') && parent.arguments.includes(fn)) return false;
  if (fn.params[0]?.type === 'Identifier' && PLUGIN_PARAM.test(fn.params[0].name)) return false;
  if (parent?.type === 'ExportDefaultDeclaration') return false;
  if (parent?.type === 'VariableDeclarator' && parent.id.typeAnnotation) return false;
  // A method that fulfils a contract: of a class that extends or implements one (or is abstract),
  // or of an object literal handed to a call (`schedule({ handler: async () => … })`). A class
  // field holding an arrow (`work = async (job) => …`) is a method here too, and so is a field
  // with a declared type.
  if (parent?.type === 'PropertyDefinition' && parent.value === fn && parent.typeAnnotation) return false;
  if (parent?.type === 'MethodDefinition' || (parent?.type === 'PropertyDefinition' && parent.value === fn)) {
    const cls = parent.parent?.parent;
    if (cls && (cls.superClass || cls.implements?.length > 0 || cls.abstract)) return false;
  }
  if (parent?.type === 'Property' && parent.value === fn) {
    let object = parent.parent;
    while (object?.parent?.type === 'Property' || object?.parent?.type === 'ObjectExpression') object = object.parent;
    const holder = object?.parent;
    if (holder && (holder.type === 'CallExpression' || holder.type === 'NewExpression') && holder.arguments.includes(object)) return false;
  }
  const holder = fn.type === 'FunctionDeclaration' ? fn : parent?.type === 'VariableDeclarator' ? parent : null;
  if (holder) {
    const variable = context.sourceCode.getDeclaredVariables(holder).find((v) => v.defs.some((d) => d.node === holder));
    const handedOn = (variable?.references ?? []).some((r) => {
      const up = r.identifier.parent;
      return r.isRead() && !(up.type === 'CallExpression' && up.callee === r.identifier);
    });
    if (handedOn) return false;
  }
  return true;
}
