import { parse, type Expression, type Node, type Program, type SpreadElement } from 'acorn';

/**
 * Adds one import line and one spread element to an existing ESLint flat config, keeping every
 * other byte. It edits only shapes it can read for certain: `export default [ … ]`,
 * `export default defineConfig(…)`, `export default tseslint.config(…)`, or one of those bound
 * to a top-level `const` that is then exported. Anything else (CommonJS, a computed export,
 * TypeScript-only syntax acorn cannot read) is reported as not mergeable, with the reason.
 */

export interface MergeRequest {
  /** e.g. `./eslint/loop-rules/index.mjs` */
  importFrom: string;
  /** the argument text of the call, e.g. `{ tsconfigRootDir: import.meta.dirname }` */
  callArguments: string;
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
  let program: Program;
  try {
    program = parse(source, { ecmaVersion: 'latest', sourceType: 'module', allowHashBang: true });
  } catch (error) {
    return { kind: 'cannot', reason: `it cannot be parsed as JavaScript (${(error as Error).message}; TypeScript-only syntax is not supported)` };
  }

  const existing = program.body.find((s) => s.type === 'ImportDeclaration' && s.source.value === request.importFrom);
  if (existing?.type === 'ImportDeclaration') {
    const spec = existing.specifiers.find((s) => s.type === 'ImportDefaultSpecifier');
    return { kind: 'already', localName: spec?.local.name ?? PREFERRED_NAMES[0] };
  }

  const exported = program.body.find((s) => s.type === 'ExportDefaultDeclaration');
  if (exported?.type !== 'ExportDefaultDeclaration') {
    return { kind: 'cannot', reason: isCommonJs(program) ? 'it is CommonJS (module.exports)' : 'it has no `export default`' };
  }
  const target = configExpression(source, program, exported.declaration as Node);
  if (typeof target === 'string') return { kind: 'cannot', reason: target };

  const localName = freeName(program);
  if (!localName) return { kind: 'cannot', reason: `the names ${PREFERRED_NAMES.join(', ')} are all taken` };
  const element = `...${localName}(${request.callArguments})`;
  const edits = [importEdit(source, program, `import ${localName} from '${request.importFrom}';`, eol), ...elementEdit(source, target, element, eol)];

  let contents = source;
  for (const edit of edits.sort((a, b) => b.at - a.at)) contents = contents.slice(0, edit.at) + edit.text + contents.slice(edit.at);
  try {
    parse(contents, { ecmaVersion: 'latest', sourceType: 'module', allowHashBang: true }); // our own edit must still parse
  } catch (error) {
    return { kind: 'cannot', reason: `the merged config would not parse (${(error as Error).message})` };
  }
  return { kind: 'merged', contents: bom + contents, localName };
}

/** The lines a user adds by hand when the config cannot be merged. */
export function manualLines(request: MergeRequest): { importLine: string; elementLine: string } {
  return {
    importLine: `import ${PREFERRED_NAMES[0]} from '${request.importFrom}';`,
    elementLine: `...${PREFERRED_NAMES[0]}(${request.callArguments}),`,
  };
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
  if (node.type === 'CallExpression') {
    const call = node as Node & { callee: Node; arguments: Node[] };
    if (isConfigHelper(program, call.callee)) {
      return { open: skipTrivia(source, call.callee.end), close: call.end - 1, items: call.arguments };
    }
    return 'its default export is a call to something other than defineConfig(...) or tseslint.config(...)';
  }
  return `its default export is a computed value (${node.type})`;
}

interface ListTarget {
  /** offset of `[` or `(` */
  open: number;
  /** offset of `]` or `)` */
  close: number;
  items: Node[];
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
    if (statement.type !== 'ImportDeclaration') continue;
    if (statement.specifiers.some((s) => s.local.name === local)) return String(statement.source.value);
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
  const imports = program.body.filter((s) => s.type === 'ImportDeclaration');
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
  const insert: Edit = { at: atLineEnd ? end : from, text: `${eol}${indent}${element},` };
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
