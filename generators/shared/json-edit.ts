import { npmOrder } from './npm-order.js';
import { applyEdits, findNodeAtLocation, modify, parseTree, type JSONPath, type Node } from 'jsonc-parser';

/**
 * Format-preserving edits of a JSON file (package.json): jsonc-parser's `modify` computes the
 * smallest text edit for one member, so every other byte stays as it was: a byte order mark, CRLF
 * line endings, the indentation, inline arrays, number literals (`12345678901234567890`, `1.0`),
 * escapes (`\u00e9`), key order and duplicate keys. Parsing and re-serialising would lose them all.
 */
export function editJson(text: string, at: JSONPath, value: unknown, options: { insert?: boolean } = {}): string {
  const bom = text.startsWith('\uFEFF') ? '\uFEFF' : '';
  const body = bom ? text.slice(1) : text;
  const inline = inlineAddition(body, at, value, options.insert === true);
  if (inline !== undefined) return bom + inline;
  const indent = /^[ \t]+(?=\S)/m.exec(body)?.[0] ?? '  ';
  const edits = modify(body, at, value, {
    isArrayInsertion: options.insert === true,
    getInsertionIndex: isDependencyName(at) ? (keys) => sortedInsertionIndex(keys, String(at[1])) : undefined,
    formattingOptions: { insertSpaces: !indent.includes('\t'), tabSize: indent.includes('\t') ? 1 : indent.length, eol: body.includes('\r\n') ? '\r\n' : '\n' },
  });
  const after = applyEdits(body, edits);
  if (parseTree(after) === undefined) throw new Error(`editing ${JSON.stringify(at)} produced invalid JSON`);
  return bom + after;
}

const DEPENDENCY_FIELDS = new Set(['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies']);

function isDependencyName(at: JSONPath): boolean {
  return at.length === 2 && typeof at[0] === 'string' && DEPENDENCY_FIELDS.has(at[0]);
}

/**
 * Where a new dependency goes: in alphabetical place when the list is sorted, as npm, pnpm and
 * Yarn keep it (so the user's next `npm install` does not move the line again); at the end of a
 * list its owner keeps in another order.
 */
export function sortedInsertionIndex(keys: readonly string[], key: string): number {
  const sorted = keys.every((k, i) => i === 0 || npmOrder(keys[i - 1]!, k) <= 0);
  if (!sorted) return keys.length;
  const at = keys.findIndex((k) => npmOrder(k, key) > 0);
  return at === -1 ? keys.length : at;
}


/** Several members set in turn, each with the smallest edit. */
export function editJsonMembers(text: string, members: ReadonlyArray<readonly [JSONPath, unknown]>): string {
  return members.reduce((current, [at, value]) => editJson(current, at, value), text);
}

/**
 * A member added to an array or object written on one line (`"workspaces": ["apps/*"]`) stays on
 * that line: `modify` would expand the container over several lines.
 */
function inlineAddition(body: string, at: JSONPath, value: unknown, insert: boolean): string | undefined {
  const tree = parseTree(body);
  const parent: Node | undefined = tree && findNodeAtLocation(tree, at.slice(0, -1));
  if (!parent || (parent.type !== 'array' && parent.type !== 'object')) return undefined;
  if (body.slice(parent.offset, parent.offset + parent.length).includes('\n')) return undefined;
  const key = at.at(-1);
  let member: string;
  if (parent.type === 'array') {
    if (!insert || key !== (parent.children?.length ?? 0)) return undefined;
    member = JSON.stringify(value);
  } else {
    if (typeof key !== 'string' || findNodeAtLocation(parent, [key]) !== undefined) return undefined;
    const first = parent.children?.[0];
    const colon = first ? (/^"(?:[^"\\]|\\.)*"(\s*:\s*)/.exec(body.slice(first.offset))?.[1] ?? ': ') : ': ';
    member = `${JSON.stringify(key)}${colon}${JSON.stringify(value)}`;
  }
  const last = parent.children?.at(-1);
  if (!last) return `${body.slice(0, parent.offset + 1)}${member}${body.slice(parent.offset + 1)}`;
  if (parent.type === 'object' && isDependencyName(at)) {
    const members = parent.children ?? [];
    const index = sortedInsertionIndex(members.map((m) => String(m.children?.[0]?.value)), String(key));
    const before = members[index];
    if (before) return `${body.slice(0, before.offset)}${member}, ${body.slice(before.offset)}`;
  }
  const end = last.offset + last.length;
  return `${body.slice(0, end)}, ${member}${body.slice(end)}`;
}

/**
 * A new member at the end of the top-level object, written in the file's own indentation and
 * line endings, touching no byte before it: jsonc-parser's formatter would also reformat the line
 * of the member it follows (an inline `"workspaces": ["a", "b"]` would be spread out).
 */
export function appendTopLevelMember(text: string, key: string, value: unknown): string {
  const bom = text.startsWith('\uFEFF') ? '\uFEFF' : '';
  const body = bom ? text.slice(1) : text;
  const tree = parseTree(body);
  const last = tree?.type === 'object' ? tree.children?.at(-1) : undefined;
  if (!tree || tree.type !== 'object') throw new Error('not a JSON object');
  const at = last ? last.offset + last.length : tree.offset + 1;
  let after: string;
  if (!body.slice(tree.offset, tree.offset + tree.length).includes('\n')) {
    // an object on one line stays on one line
    const inline = JSON.stringify(value).replace(/^\{(.*)\}$/, '{ $1 }').replaceAll('":', '": ');
    after = `${body.slice(0, at)}${last ? ', ' : ' '}${JSON.stringify(key)}: ${inline}${last ? '' : ' '}${body.slice(at)}`;
  } else {
    const eol = body.includes('\r\n') ? '\r\n' : '\n';
    const indent = /^[ \t]+(?=")/m.exec(body)?.[0] ?? '  ';
    const rendered = JSON.stringify(value, null, indent).split('\n').join(`${eol}${indent}`);
    const member = `${indent}${JSON.stringify(key)}: ${rendered}`;
    after = `${body.slice(0, at)}${last ? ',' : ''}${eol}${member}${last ? '' : eol}${body.slice(at)}`;
  }
  if (parseTree(after) === undefined) throw new Error(`adding ${key} produced invalid JSON`);
  return bom + after;
}
