import { parse, type Expression, type Node, type Program, type SpreadElement } from 'acorn';

/**
 * Adds one import line and one spread element to an existing ESLint flat config, keeping every
 * other byte. It edits only shapes it can read for certain: `export default [ … ]`,
 * `export default defineConfig(…)`, `export default tseslint.config(…)`, antfu's
 * `export default antfu({ … }, …)` (user configs are its extra arguments), any other call (its
 * result is awaited and spread: `[...(await compose(…)), …]`, which holds for arrays, promises
 * of arrays and config composers), one of those bound to a top-level `const` that is exported
 * (also as `export { config as default }`), and the same shapes in CommonJS
 * (`module.exports = …`, with a `require()` line). The added lines follow the file's own style:
 * semicolons or none, single or double quotes, a trailing comma only where the list has one.
 * Anything else (a computed export, TypeScript-only syntax acorn cannot read) is reported as not
 * mergeable, with the reason.
 */

export interface MergeRequest {
  /** e.g. `./eslint/loop-rules/index.mjs` */
  importFrom: string;
  /** the argument text of the call, e.g. `{ tsconfigRootDir: import.meta.dirname }` */
  callArguments: string;
  /** a CommonJS config (.cjs): `require()` instead of `import`, `__dirname` for import.meta.dirname */
  commonjs?: boolean;
}

/** How the file writes its statements and strings; the added lines copy it. */
interface Style {
  semi: boolean;
  quote: "'" | '"';
}

export type MergeOutcome =
  | { kind: 'merged'; contents: string; localName: string }
  | { kind: 'already'; localName: string }
  | { kind: 'cannot'; reason: string };

const PREFERRED_NAMES = ['loopRules', 'loopsvcRules', 'loopsvcLoopRules'] as const;

interface Edit {
  at: number;
  text: string;
}

export function mergeEslintConfig(text: string, request: MergeRequest): MergeOutcome {
  // A byte order mark stays first and CRLF stays CRLF: the edits are written in the file's own style.
  const bom = text.startsWith('\uFEFF') ? '\uFEFF' : '';
  const source = bom ? text.slice(1) : text;
  const eol = source.includes('\r\n') ? '\r\n' : '\n';
  const sourceType = request.commonjs ? 'script' : 'module';
  let program: Program;
  try {
    program = parse(source, { ecmaVersion: 'latest', sourceType, allowHashBang: true, allowAwaitOutsideFunction: !request.commonjs });
  } catch (error) {
    return { kind: 'cannot', reason: `it cannot be parsed as JavaScript (${(error as Error).message}; TypeScript-only syntax is not supported)` };
  }

  const already = existingBinding(program, request.importFrom);
  if (already) return { kind: 'already', localName: already };

  const declaration = exportedConfig(program, Boolean(request.commonjs));
  if (typeof declaration === 'string') return { kind: 'cannot', reason: declaration };
  const target = configExpression(source, program, declaration);
  if (typeof target === 'string') return { kind: 'cannot', reason: target };
  if (target.wrap && request.commonjs) return { kind: 'cannot', reason: 'its module.exports is a call whose result must be awaited, which CommonJS cannot do at top level' };

  const localName = freeName(program);
  if (!localName) return { kind: 'cannot', reason: `the names ${PREFERRED_NAMES.join(', ')} are all taken` };
  const style = styleOf(source, program);
  const lines = manualLines(request, style, localName);
  const element = lines.elementLine.replace(/,$/, '');
  const edits = [importEdit(source, program, lines.importLine, eol), ...listEdits(source, target, element, eol)];

  let contents = source;
  for (const edit of edits.sort((a, b) => b.at - a.at)) contents = contents.slice(0, edit.at) + edit.text + contents.slice(edit.at);
  try {
    parse(contents, { ecmaVersion: 'latest', sourceType, allowHashBang: true, allowAwaitOutsideFunction: !request.commonjs }); // our own edit must still parse
  } catch (error) {
    return { kind: 'cannot', reason: `the merged config would not parse (${(error as Error).message})` };
  }
  return { kind: 'merged', contents: bom + contents, localName };
}

/**
 * The lines a user adds by hand when the config cannot be merged (and the lines the merge adds),
 * in the file's style when it is known.
 */
export function manualLines(request: MergeRequest, style: Style = { semi: true, quote: "'" }, localName: string = PREFERRED_NAMES[0]): { importLine: string; elementLine: string } {
  const q = style.quote;
  const semi = style.semi ? ';' : '';
  // the arguments are written with single-quoted strings; each is re-quoted, escapes and all
  let args = q === "'" ? request.callArguments : request.callArguments.replace(/'((?:[^'\\]|\\.)*)'/g, (_, body: string) => JSON.stringify(body.replace(/\\(.)/g, '$1')));
  if (request.commonjs) args = args.replaceAll('import.meta.dirname', '__dirname');
  const from = `${q}${request.importFrom}${q}`;
  return {
    importLine: request.commonjs ? `const ${localName} = require(${from}).default${semi}` : `import ${localName} from ${from}${semi}`,
    elementLine: `...${localName}(${args}),`,
  };
}

function styleOf(source: string, program: Program): Style {
  const statements = program.body.filter((s) => s.type === 'ImportDeclaration' || s.type === 'VariableDeclaration' || s.type === 'ExpressionStatement');
  const semi = statements.length === 0 ? true : statements.filter((s) => source[s.end - 1] === ';').length * 2 >= statements.length;
  const firstString = /(['"])[^'"\n]*\1/.exec(source.slice(program.body[0]?.start ?? 0));
  const imports = program.body.filter((s) => s.type === 'ImportDeclaration');
  const raw = imports[0] ? source.slice(imports[0].source.start, imports[0].source.start + 1) : firstString?.[1];
  return { semi, quote: raw === '"' ? '"' : "'" };
}

/** The local name the file already binds the loop rules to, if it imports or requires them. */
function existingBinding(program: Program, importFrom: string): string | undefined {
  for (const s of program.body) {
    if (s.type === 'ImportDeclaration' && s.source.value === importFrom) {
      return s.specifiers.find((spec) => spec.type === 'ImportDefaultSpecifier')?.local.name ?? PREFERRED_NAMES[0];
    }
    if (s.type === 'VariableDeclaration') {
      for (const d of s.declarations) {
        if (d.id.type === 'Identifier' && d.init && requireOf(d.init) === importFrom) return d.id.name;
      }
    }
  }
  return undefined;
}

/** `require('x')` or `require('x').default` → 'x'. */
function requireOf(node: Node): string | undefined {
  let n = node as Node & { object?: Node; property?: Node & { name?: string }; callee?: Node & { name?: string }; arguments?: (Node & { value?: unknown })[] };
  if (n.type === 'MemberExpression' && n.property?.name === 'default' && n.object) n = n.object as typeof n;
  if (n.type === 'CallExpression' && n.callee?.type === 'Identifier' && n.callee.name === 'require' && typeof n.arguments?.[0]?.value === 'string') {
    return n.arguments[0].value;
  }
  return undefined;
}

/** The exported config expression: `export default X`, `export { x as default }`, `module.exports = X`. */
function exportedConfig(program: Program, commonjs: boolean): Node | string {
  if (commonjs) {
    for (const s of program.body) {
      if (s.type !== 'ExpressionStatement' || s.expression.type !== 'AssignmentExpression') continue;
      const left = s.expression.left;
      if (left.type === 'MemberExpression' && left.object.type === 'Identifier' && left.object.name === 'module' && left.property.type === 'Identifier' && left.property.name === 'exports') {
        return s.expression.right as Node;
      }
    }
    return 'it has no `module.exports = …`';
  }
  const exported = program.body.find((s) => s.type === 'ExportDefaultDeclaration');
  if (exported?.type === 'ExportDefaultDeclaration') return exported.declaration as Node;
  for (const s of program.body) {
    if (s.type !== 'ExportNamedDeclaration' || s.source) continue;
    for (const spec of s.specifiers) {
      const exportedName = spec.exported.type === 'Identifier' ? spec.exported.name : spec.exported.value;
      if (exportedName === 'default' && spec.local.type === 'Identifier') return spec.local as Node;
    }
  }
  return isCommonJs(program) ? 'it is CommonJS (module.exports) in a file ESLint loads as an ES module' : 'it has no `export default`';
}

/** The config list: an array literal or a defineConfig()/tseslint.config() call, else why not. */
function configExpression(source: string, program: Program, declaration: Node): ListTarget | string {
  let node = declaration;
  if (node.type === 'Identifier') {
    const name = (node as Node & { name: string }).name;
    const init = topLevelConst(program, name);
    if (!init) return `its default export \`${name}\` is not a top-level const initialised with an array or defineConfig(...)`;
    node = init;
  }
  if (node.type === 'ArrayExpression') {
    const array = node as Node & { elements: (Expression | SpreadElement | null)[] };
    if (array.elements.includes(null)) return 'the exported array has holes';
    return { open: node.start, close: node.end - 1, items: array.elements as Node[] };
  }
  if (node.type === 'CallExpression' || node.type === 'AwaitExpression') {
    const call = node as Node & { callee: Node; arguments: Node[] };
    if (node.type === 'CallExpression' && isConfigHelper(program, call.callee)) {
      return { open: skipTrivia(source, call.callee.end), close: call.end - 1, items: call.arguments };
    }
    if (node.type === 'CallExpression' && call.arguments.some((a) => a.type === 'SpreadElement')) {
      return 'its default export is a call with spread arguments';
    }
    // Any other factory (a shared company config, eslint-flat-config-utils' composer): await its
    // result and spread it, then the loop rules.
    return { open: -1, close: -1, items: [], wrap: { start: node.start, end: node.end } };
  }
  return `its default export is a computed value (${node.type})`;
}

interface ListTarget {
  /** offset of `[` or `(` */
  open: number;
  /** offset of `]` or `)` */
  close: number;
  items: Node[];
  /** a call whose result is wrapped: `[...(await <call>), <element>]` */
  wrap?: { start: number; end: number };
}

function topLevelConst(program: Program, name: string): Node | undefined {
  for (const statement of program.body) {
    if (statement.type !== 'VariableDeclaration' || statement.kind !== 'const') continue;
    for (const d of statement.declarations) {
      if (d.id.type === 'Identifier' && d.id.name === name && d.init) return d.init;
    }
  }
  return undefined;
}

function importedFrom(program: Program, local: string): string | undefined {
  for (const statement of program.body) {
    if (statement.type === 'ImportDeclaration' && statement.specifiers.some((s) => s.local.name === local)) return String(statement.source.value);
    if (statement.type !== 'VariableDeclaration') continue;
    for (const d of statement.declarations) {
      if (!d.init) continue;
      const bound = d.id.type === 'Identifier' ? d.id.name === local : d.id.type === 'ObjectPattern' && d.id.properties.some((p) => p.type === 'Property' && p.value.type === 'Identifier' && p.value.name === local);
      if (bound) return requireOf(d.init as Node);
    }
  }
  return undefined;
}

function isConfigHelper(program: Program, callee: Node): boolean {
  const c = callee as Node & { name?: string; object?: Node & { name?: string }; property?: Node & { name?: string }; computed?: boolean };
  if (c.type === 'Identifier' && c.name === 'defineConfig') {
    const from = importedFrom(program, 'defineConfig');
    return from === 'eslint/config' || from === '@eslint/config-helpers';
  }
  if (c.type === 'MemberExpression' && !c.computed && c.property?.name === 'config' && c.object?.type === 'Identifier') {
    return importedFrom(program, c.object.name ?? '') === 'typescript-eslint';
  }
  // antfu(options, ...userConfigs): the configs after the options are appended
  if (c.type === 'Identifier' && importedFrom(program, c.name ?? '') === '@antfu/eslint-config') return true;
  return false;
}

function isCommonJs(program: Program): boolean {
  return program.body.some((s) => {
    if (s.type !== 'ExpressionStatement' || s.expression.type !== 'AssignmentExpression') return false;
    const left = s.expression.left;
    return left.type === 'MemberExpression' && left.object.type === 'Identifier' && (left.object.name === 'module' || left.object.name === 'exports');
  });
}

function freeName(program: Program): string | undefined {
  const taken = new Set<string>();
  for (const s of program.body) {
    if (s.type === 'ImportDeclaration') for (const spec of s.specifiers) taken.add(spec.local.name);
    if (s.type === 'VariableDeclaration') for (const d of s.declarations) if (d.id.type === 'Identifier') taken.add(d.id.name);
    if ((s.type === 'FunctionDeclaration' || s.type === 'ClassDeclaration') && s.id) taken.add(s.id.name);
  }
  return PREFERRED_NAMES.find((n) => !taken.has(n));
}

/** A new line after the last import, or before the first statement when there is none. */
function importEdit(source: string, program: Program, line: string, eol: string): Edit {
  const imports = program.body.filter(
    (s) => s.type === 'ImportDeclaration' || (s.type === 'VariableDeclaration' && s.declarations.some((d) => d.init && requireOf(d.init as Node) !== undefined)),
  );
  const last = imports.at(-1);
  if (!last) {
    // before the first statement's line: after a hashbang and the file's leading comments
    const first = program.body[0];
    const at = first ? source.lastIndexOf('\n', first.start - 1) + 1 : source.startsWith('#!') ? source.indexOf('\n') + 1 : 0;
    return { at, text: `${line}${eol}` };
  }
  return { at: lineEnd(source, last.end), text: `${eol}${line}` };
}

/**
 * The spread element as the last item of the list, in the list's own style: on a new line with
 * the last item's indentation when the list is multi-line (after its trailing comma, or adding
 * one), inline otherwise.
 */
function listEdits(source: string, target: ListTarget, element: string, eol: string): Edit[] {
  if (target.wrap) return [{ at: target.wrap.end, text: `), ${element}]` }, { at: target.wrap.start, text: '[...(await ' }];
  return elementEdit(source, target, element, eol);
}

function elementEdit(source: string, target: ListTarget, element: string, eol: string): Edit[] {
  const last = target.items.at(-1);
  if (!last) return [{ at: target.open + 1, text: element }];
  const after = skipTrivia(source, last.end);
  const trailingComma = source[after] === ',';
  if (lineOf(source, last.start) === lineOf(source, target.open)) {
    return [trailingComma ? { at: after + 1, text: ` ${element},` } : { at: last.end, text: `, ${element}` }];
  }
  const indent = /^[ \t]*/.exec(source.slice(source.lastIndexOf('\n', last.start) + 1))?.[0] ?? '';
  // after a comment that ends the last item's line, so the comment stays on its own line
  const from = trailingComma ? after + 1 : last.end;
  const end = lineEnd(source, from);
  const atLineEnd = /^\s*(\/\/.*)?$/.test(source.slice(from, end)) && end < source.length;
  // a trailing comma on the new last element only where the list already had one
  const insert: Edit = { at: atLineEnd ? end : from, text: `${eol}${indent}${element}${trailingComma ? ',' : ''}` };
  if (trailingComma) return [insert];
  return insert.at === last.end ? [{ at: last.end, text: `,${insert.text}` }] : [{ at: last.end, text: ',' }, insert];
}

/** The offset where the line holding `from` ends (before its `\r\n` or `\n`). */
function lineEnd(source: string, from: number): number {
  const nl = source.indexOf('\n', from);
  if (nl === -1) return source.length;
  return source[nl - 1] === '\r' ? nl - 1 : nl;
}

/** The next offset after `from` that is not whitespace or a comment. */
function skipTrivia(source: string, from: number): number {
  let i = from;
  for (;;) {
    while (i < source.length && /\s/.test(source[i]!)) i++;
    if (source.startsWith('//', i)) {
      const eol = source.indexOf('\n', i);
      i = eol === -1 ? source.length : eol;
    } else if (source.startsWith('/*', i)) {
      const end = source.indexOf('*/', i + 2);
      i = end === -1 ? source.length : end + 2;
    } else {
      return i;
    }
  }
}

function lineOf(source: string, offset: number): number {
  let line = 0;
  for (let i = source.indexOf('\n'); i !== -1 && i < offset; i = source.indexOf('\n', i + 1)) line++;
  return line;
}
