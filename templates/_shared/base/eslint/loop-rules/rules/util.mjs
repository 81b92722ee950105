// Small AST helpers shared by the loopsvc rules. Plain ESTree, so they work on JavaScript (espree)
// and TypeScript (typescript-eslint parser) alike.

export const FUNCTION_TYPES = new Set(['FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression']);
/** Callbacks these array methods call at once, before they return. */
export const IMMEDIATE_ITERATION = new Set(['forEach', 'map', 'filter', 'reduce', 'reduceRight', 'some', 'every', 'find', 'findIndex', 'findLast', 'findLastIndex', 'flatMap', 'sort', 'toSorted']);
/** The first parameter of a plugin body: Fastify's instance, a grammY bot or composer, a router. */
export const PLUGIN_PARAM = /^(app|fastify|server|instance|bot|composer|router)$/;

/** True when `node` runs inside some function body, i.e. not at module load time. */
export function isInsideFunction(node) {
  for (let n = node.parent; n; n = n.parent) {
    if (FUNCTION_TYPES.has(n.type)) return true;
  }
  return false;
}

/** The static name of a member property: `a.b` → 'b', `a['b']` → 'b', `a[`b`]` → 'b', else null. */
export function propertyName(member) {
  if (!member.computed) return member.property.type === 'Identifier' ? member.property.name : null;
  return staticString(member.property);
}

/** The value of a string literal or a template literal without expressions, else null. */
export function staticString(node) {
  if (!node) return null;
  if (node.type === 'Literal' && typeof node.value === 'string') return node.value;
  if (node.type === 'TemplateLiteral' && node.expressions.length === 0) return node.quasis[0].value.cooked;
  return null;
}

/** The key name of an object-pattern property (`{ a: b }`, `{ 'a': b }`), else null. */
export function keyName(property) {
  if (property.type !== 'Property') return null;
  if (!property.computed && property.key.type === 'Identifier') return property.key.name;
  return staticString(property.key);
}

/** Strips TypeScript-only wrappers (`x as T`, `x!`, `<T>x`, `x satisfies T`) and parentheses. */
export function unwrap(node) {
  let n = node;
  while (n && ['TSAsExpression', 'TSNonNullExpression', 'TSTypeAssertion', 'TSSatisfiesExpression', 'ChainExpression'].includes(n.type)) {
    n = n.expression;
  }
  return n;
}

/** `node:fs` and `fs` are the same module. */
export function builtinName(source) {
  return typeof source === 'string' && source.startsWith('node:') ? source.slice(5) : source;
}

/**
 * The built-in module a variable was imported or required from, e.g. 'crypto' for
 * `import * as c from 'node:crypto'`, `import c from 'crypto'`, `const c = require('crypto')`;
 * with `imported` the named export (`import { randomBytes as r }` → 'randomBytes').
 */
export function importOrigin(variable) {
  const def = variable?.defs?.[0];
  if (!def) return null;
  if (def.type === 'ImportBinding') {
    const spec = def.node;
    const source = builtinName(def.parent.source.value);
    if (spec.type === 'ImportSpecifier') {
      const imported = spec.imported.type === 'Identifier' ? spec.imported.name : spec.imported.value;
      return { source, imported };
    }
    return { source, imported: null };
  }
  if (def.type === 'Variable' && def.node.init) {
    const init = unwrap(def.node.init);
    const required = requiredModule(init);
    if (!required) return null;
    if (def.node.id.type === 'Identifier') return { source: required, imported: null };
    if (def.node.id.type === 'ObjectPattern') {
      const prop = def.node.id.properties.find((p) => p.type === 'Property' && p.value.type === 'Identifier' && p.value.name === variable.name);
      return { source: required, imported: prop ? keyName(prop) : null };
    }
  }
  return null;
}

/** 'fs' for `require('node:fs')` / `await import('fs')`, else null. */
export function requiredModule(node) {
  const n = unwrap(node?.type === 'AwaitExpression' ? node.argument : node);
  if (n?.type === 'CallExpression' && n.callee.type === 'Identifier' && n.callee.name === 'require') {
    return builtinName(staticString(n.arguments[0]));
  }
  if (n?.type === 'ImportExpression') return builtinName(staticString(n.source));
  return null;
}

/** The variable an identifier refers to, found through the scope chain. */
export function resolveVariable(sourceCode, identifier) {
  let scope = sourceCode.getScope(identifier);
  while (scope) {
    const ref = scope.references.find((r) => r.identifier === identifier);
    if (ref) return ref.resolved;
    const variable = scope.set.get(identifier.name);
    if (variable) return variable;
    scope = scope.upper;
  }
  return null;
}

const ALIAS_FLAG = 2097152; // ts.SymbolFlags.Alias (stable since TS 2.x); avoids importing typescript here

/**
 * With type information: true when the function or property `identifier` names is declared in the
 * project's own source (not in @types/node, a package, or a .d.ts). Lets rules that go by a name
 * suffix (`*Sync`) tell a user's own `parseSync()` from `fs.readFileSync()`. Without type
 * information (plain JavaScript) it answers false, so the rule reports: the documented limit.
 */
export function isDeclaredInProject(context, identifier) {
  const services = context.sourceCode.parserServices;
  if (!services?.program || !services.esTreeNodeToTSNodeMap) return false;
  const tsNode = services.esTreeNodeToTSNodeMap.get(identifier);
  if (!tsNode) return false;
  const checker = services.program.getTypeChecker();
  let symbol = checker.getSymbolAtLocation(tsNode);
  if (symbol && symbol.flags & ALIAS_FLAG) symbol = checker.getAliasedSymbol(symbol);
  const declarations = symbol?.declarations ?? [];
  if (declarations.length === 0) return false;
  return declarations.every((d) => {
    const file = d.getSourceFile();
    return !file.isDeclarationFile && !/[\\/]node_modules[\\/]/.test(file.fileName);
  });
}
