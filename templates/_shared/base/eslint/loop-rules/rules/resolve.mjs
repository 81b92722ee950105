// What a call MEANS, from the TypeScript checker (typescript-eslint parser services): the
// declaration the call resolves to, and the module that declares it. A name alone never decides:
// `readFileSync` reached through destructuring, a namespace, a re-export of the project's own, an
// `await import()` or a value stored in an object resolves to the same declaration in @types/node,
// and a user's own `parseSync()` resolves to the project.
import ts from 'typescript';
import { IMMEDIATE_ITERATION, PLUGIN_PARAM } from './util.mjs';

/** The checker and node maps when this file has type information, else null (plain JavaScript). */
export function typeInfo(context) {
  const services = context.sourceCode.parserServices;
  if (!services?.program || !services.esTreeNodeToTSNodeMap) return null;
  const file = services.program.getSourceFile(context.filename);
  if (!file) return null;
  return { program: services.program, checker: services.program.getTypeChecker(), map: services.esTreeNodeToTSNodeMap, file };
}

const NODE_TYPES = /[\\/]node_modules[\\/]@types[\\/]node[\\/]/;
const PACKAGE = /[\\/]node_modules[\\/]((?:@types[\\/])?(?:@[^\\/]+[\\/])?[^\\/]+)[\\/]/;

/** 'glob' for …/node_modules/glob/dist/index.d.ts, '@scope/x' for …/@types/scope__x/…. */
function packageOfFile(fileName) {
  const match = PACKAGE.exec(fileName);
  if (!match) return null;
  const name = match[1].replace(/\\/g, '/');
  if (!name.startsWith('@types/')) return name;
  const bare = name.slice('@types/'.length);
  return bare.includes('__') ? `@${bare.replace('__', '/')}` : bare;
}

/** `fs` for a declaration inside `declare module "node:fs" { … }`; the package for a .d.ts in node_modules. */
function moduleOf(declaration, program) {
  for (let n = declaration.parent; n; n = n.parent) {
    if (ts.isModuleDeclaration(n) && ts.isStringLiteral(n.name)) return stripNode(n.name.text);
  }
  const file = declaration.getSourceFile();
  if (program.isSourceFileDefaultLibrary(file) || /[\\/]typescript[\\/]lib[\\/]lib\..*\.d\.ts$/.test(file.fileName)) return 'lib';
  return packageOfFile(file.fileName) ?? 'project';
}

const stripNode = (name) => (name.startsWith('node:') ? name.slice(5) : name);

function declarationName(declaration) {
  if (ts.isConstructorDeclaration(declaration) || ts.isConstructSignatureDeclaration(declaration)) return containerName(declaration);
  const name = declaration.name;
  if (name && (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isPrivateIdentifier(name))) return name.text;
  // `const sync: (p: string) => string[]` declares a function type without a name: take the variable's
  const holder = declaration.parent;
  if (holder && (ts.isVariableDeclaration(holder) || ts.isPropertySignature(holder) || ts.isPropertyDeclaration(holder)) && ts.isIdentifier(holder.name)) {
    return holder.name.text;
  }
  return null;
}

function containerName(declaration) {
  for (let n = declaration.parent; n; n = n.parent) {
    if ((ts.isClassDeclaration(n) || ts.isInterfaceDeclaration(n) || ts.isClassExpression(n)) && n.name) return n.name.text;
    if (ts.isModuleDeclaration(n) && ts.isIdentifier(n.name)) return n.name.text;
    if (ts.isSourceFile(n)) return null;
  }
  return null;
}

function describe(declaration, program, fallbackName) {
  const isNode = NODE_TYPES.test(declaration.getSourceFile().fileName);
  return {
    module: moduleOf(declaration, program),
    node: isNode,
    name: declarationName(declaration) ?? fallbackName,
    container: containerName(declaration),
    project: !declaration.getSourceFile().isDeclarationFile && !/[\\/]node_modules[\\/]/.test(declaration.getSourceFile().fileName),
  };
}

function aliased(checker, symbol) {
  return symbol && symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
}

const NAMED_SIGNATURE = (d) =>
  ts.isFunctionDeclaration(d) || ts.isMethodSignature(d) || ts.isMethodDeclaration(d) || ts.isConstructorDeclaration(d) || ts.isConstructSignatureDeclaration(d);

function skipOuter(node) {
  let n = node;
  while (n && (ts.isParenthesizedExpression(n) || ts.isAsExpression(n) || ts.isNonNullExpression(n) || ts.isSatisfiesExpression?.(n) || ts.isAwaitExpression(n))) n = n.expression;
  return n;
}

function symbolAt(checker, node) {
  const n = skipOuter(node);
  if (ts.isPropertyAccessExpression(n)) return checker.getSymbolAtLocation(n.name);
  if (ts.isElementAccessExpression(n)) {
    const key = n.argumentExpression;
    if (ts.isStringLiteralLike(key)) return checker.getTypeAtLocation(n.expression).getProperty(key.text);
    return undefined;
  }
  return checker.getSymbolAtLocation(n);
}

/**
 * The declaration a value comes from, followed through the project's own code: an import (any
 * re-export chain), a destructuring (`const { statSync: stat } = fs`, `= await import('node:zlib')`),
 * a variable or object property initialised from another value (`{ stat: fs.statSync }`).
 */
function chase(checker, expr, depth = 0) {
  if (!expr || depth > 6) return null;
  return chaseSymbol(checker, aliased(checker, symbolAt(checker, expr)), depth);
}

function chaseSymbol(checker, symbol, depth) {
  const declaration = symbol?.valueDeclaration ?? symbol?.declarations?.[0];
  if (!declaration || declaration.getSourceFile().isDeclarationFile) return declaration ?? null;
  if (ts.isBindingElement(declaration)) {
    const key = declaration.propertyName ?? declaration.name;
    if (!ts.isIdentifier(key) && !ts.isStringLiteralLike(key)) return declaration;
    const property = checker.getTypeAtLocation(declaration.parent).getProperty(key.text);
    return (property && chaseSymbol(checker, aliased(checker, property), depth + 1)) ?? declaration;
  }
  if (ts.isShorthandPropertyAssignment(declaration)) {
    return chaseSymbol(checker, aliased(checker, checker.getShorthandAssignmentValueSymbol(declaration)), depth + 1) ?? declaration;
  }
  if ((ts.isVariableDeclaration(declaration) || ts.isPropertyAssignment(declaration) || ts.isPropertyDeclaration(declaration)) && declaration.initializer) {
    const init = skipOuter(declaration.initializer);
    if (ts.isIdentifier(init) || ts.isPropertyAccessExpression(init) || ts.isElementAccessExpression(init)) return chase(checker, init, depth + 1) ?? declaration;
  }
  return declaration;
}

/**
 * Where the function that `call` (a CallExpression or NewExpression) invokes is declared:
 * { module: 'fs' | 'glob' | 'lib' | 'project' | …, node: true for @types/node, name, container }.
 * Null without type information, or when the callee is `any`.
 */
export function calleeOrigin(info, call) {
  const tsCall = info.map.get(call);
  const calleeTs = info.map.get(call.callee);
  if (!tsCall || !calleeTs) return null;
  const { checker, program } = info;
  // Most calls go to the project's own functions and methods: the callee's symbol says so
  // without resolving the signature (the costly part).
  const direct = aliased(checker, symbolAt(checker, calleeTs));
  const own = direct?.valueDeclaration;
  if (own && ts.isFunctionLike(own) && projectFile(own.getSourceFile())) return describe(own, program, null);
  let signature;
  try {
    signature = checker.getResolvedSignature(tsCall);
  } catch {
    signature = undefined;
  }
  const declaration = signature?.getDeclaration?.() ?? signature?.declaration;
  if (declaration && NAMED_SIGNATURE(declaration)) return describe(declaration, program, null);
  // A call signature of a function type (`statSync: StatSyncFn`), or no signature at all (an
  // untyped class): follow the callee value to where it is declared.
  const target = chase(checker, calleeTs);
  if (target) return describe(target, program, null);
  return declaration ? describe(declaration, program, null) : null;
}

/** Where a value that is READ (not called) is declared, e.g. `fs.statSync` in `files.map(fs.statSync)`. */
export function valueOrigin(info, node) {
  const tsNode = info.map.get(node);
  const target = tsNode && chase(info.checker, tsNode);
  return target ? describe(target, info.program, null) : null;
}

const lazyImports = new WeakMap();

/**
 * The project files that are imported lazily (`await import('./x.js')` inside a function): their
 * top level runs when that function runs, i.e. possibly per request. Computed once per program.
 */
export function lazilyImportedFiles(info) {
  let files = lazyImports.get(info.program);
  if (files) return files;
  files = new Set();
  for (const file of info.program.getSourceFiles()) {
    if (file.isDeclarationFile || /[\\/]node_modules[\\/]/.test(file.fileName)) continue;
    const visit = (node, inFunction) => {
      if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && inFunction) {
        const specifier = node.arguments[0];
        if (specifier && ts.isStringLiteralLike(specifier)) {
          const resolved = ts.resolveModuleName(specifier.text, file.fileName, info.program.getCompilerOptions(), ts.sys).resolvedModule;
          if (resolved) files.add(resolved.resolvedFileName);
        }
      }
      const entersFunction = inFunction || (ts.isFunctionLike(node) && !isImmediatelyCalled(node));
      ts.forEachChild(node, (child) => visit(child, entersFunction));
    };
    visit(file, false);
  }
  lazyImports.set(info.program, files);
  return files;
}

function isImmediatelyCalled(fn) {
  let n = fn.parent;
  while (n && ts.isParenthesizedExpression(n)) n = n.parent;
  return Boolean(n && ts.isCallExpression(n) && (n.expression === fn || n.expression === fn.parent));
}

const startupIndex = new WeakMap();

const projectFile = (file) => !file.isDeclarationFile && !/[\\/]node_modules[\\/]/.test(file.fileName);

/**
 * Functions of the project (exported functions, methods) whose every call, anywhere in the
 * program, runs during startup: at module top level, in a plugin body, or in another such
 * function. `startupOnly(estreeFunction)` answers for one; built on first use, once per program.
 * A function also handed on as a value (a callback) is not seen through: its calls are reported.
 */
export function startupOnly(info) {
  let index = startupIndex.get(info.program);
  if (!index) {
    index = { sites: null, memo: new Map() };
    startupIndex.set(info.program, index);
  }
  const sites = () => {
    if (index.sites) return index.sites;
    index.sites = new Map();
    for (const file of info.program.getSourceFiles()) {
      if (!projectFile(file)) continue;
      const visit = (node) => {
        if (ts.isCallExpression(node)) {
          // The callee's symbol, not its resolved signature: cheaper, and enough for the
          // project's own functions and methods, which is all this index is asked about.
          let declaration = aliased(info.checker, symbolAt(info.checker, node.expression))?.valueDeclaration;
          if (declaration && ts.isVariableDeclaration(declaration) && declaration.initializer) declaration = skipOuter(declaration.initializer);
          if (declaration && ts.isFunctionLike(declaration) && projectFile(declaration.getSourceFile())) {
            const list = index.sites.get(declaration) ?? [];
            list.push(node);
            index.sites.set(declaration, list);
          }
        }
        ts.forEachChild(node, visit);
      };
      visit(file);
    }
    return index.sites;
  };
  const lazy = lazilyImportedFiles(info);

  function onlyAtStartup(declaration, depth) {
    if (depth > 4) return false;
    if (index.memo.has(declaration)) return index.memo.get(declaration);
    index.memo.set(declaration, false); // a cycle is not startup
    const calls = sites().get(declaration) ?? [];
    const result = calls.length > 0 && calls.every((call) => runsAtStartup(call, depth + 1));
    index.memo.set(declaration, result);
    return result;
  }

  function runsAtStartup(node, depth) {
    for (let n = node.parent, child = node; n; child = n, n = n.parent) {
      if (ts.isSourceFile(n)) return !lazy.has(n.fileName);
      if (ts.isPropertyDeclaration(n) && n.initializer === child && !n.modifiers?.some((m) => m.kind === ts.SyntaxKind.StaticKeyword)) return false;
      if (!ts.isFunctionLike(n) || ts.isFunctionTypeNode(n)) continue;
      let up = n.parent;
      while (up && ts.isParenthesizedExpression(up)) up = up.parent;
      if (up && ts.isCallExpression(up) && (up.expression === n || up.expression === n.parent)) continue; // IIFE
      if (up && ts.isCallExpression(up) && up.arguments.includes(n.parent && ts.isParenthesizedExpression(n.parent) ? n.parent : n)) {
        const callee = up.expression;
        const name = ts.isPropertyAccessExpression(callee) ? callee.name.text : ts.isIdentifier(callee) ? callee.text : '';
        if (name === 'register' || name === 'fp' || name === 'fastifyPlugin' || IMMEDIATE_ITERATION.has(name)) continue;
        return false;
      }
      const first = n.parameters?.[0];
      if (first && ts.isIdentifier(first.name) && PLUGIN_PARAM.test(first.name.text)) return true; // a plugin body runs at registration
      return onlyAtStartup(n, depth);
    }
    return false;
  }

  return (fn) => {
    const tsNode = info.map.get(fn) ?? (fn.parent ? info.map.get(fn.parent) : undefined);
    if (!tsNode) return false;
    const declaration = ts.isFunctionLike(tsNode) ? tsNode : ts.isVariableDeclaration(tsNode) && tsNode.initializer && ts.isFunctionLike(tsNode.initializer) ? tsNode.initializer : null;
    return declaration ? onlyAtStartup(declaration, 0) : false;
  };
}
