import { isMap, isScalar, isSeq, parseDocument, Scalar, type YAMLSeq } from 'yaml';

/**
 * Adds one string to a list in a YAML file (the `packages:` of pnpm-workspace.yaml), changing no
 * other byte. The `yaml` package's Document API finds the list and its last item, with their
 * exact positions and styles, in any layout: block lists at zero or more indentation, flow lists
 * (`[a, b]`), quoted or plain items, comments. The new item goes in right after the last one, in
 * its style; the result is parsed again and must hold the old list plus the item, else undefined
 * (the caller stops and prints the line to add by hand).
 */
export function addYamlListItem(text: string, key: string, item: string): string | undefined {
  const doc = parseDocument(text);
  if (doc.errors.length > 0 || (doc.contents !== null && !isMap(doc.contents))) return undefined;
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const list = doc.get(key, true);
  let after: string | undefined;
  if (list === undefined) {
    after = `${text}${text === '' || text.endsWith('\n') ? '' : eol}${key}:${eol}  - ${quoted(item, Scalar.QUOTE_SINGLE)}${eol}`;
  } else if (isSeq(list)) {
    after = list.flow ? insertFlow(text, list, item) : insertBlock(text, list, item, eol);
  }
  if (after === undefined) return undefined;
  const before = (doc.toJS() as Record<string, unknown> | null)?.[key];
  const check = parseDocument(after);
  const now = (check.toJS() as Record<string, unknown> | null)?.[key];
  const expected = [...(Array.isArray(before) ? before : []), item];
  return check.errors.length === 0 && JSON.stringify(now) === JSON.stringify(expected) ? after : undefined;
}

function insertFlow(text: string, list: YAMLSeq, item: string): string | undefined {
  const last = list.items.at(-1);
  if (last === undefined) {
    const open = list.range?.[0];
    return open === undefined ? undefined : `${text.slice(0, open + 1)}${quoted(item, Scalar.QUOTE_SINGLE)}${text.slice(open + 1)}`;
  }
  if (!isScalar(last) || !last.range) return undefined;
  const end = last.range[1];
  return `${text.slice(0, end)}, ${quoted(item, last.type)}${text.slice(end)}`;
}

function insertBlock(text: string, list: YAMLSeq, item: string, eol: string): string | undefined {
  const last = list.items.at(-1);
  if (!isScalar(last) || !last.range) return undefined;
  const lineStart = text.lastIndexOf('\n', last.range[0] - 1) + 1;
  const prefix = text.slice(lineStart, last.range[0]); // the indentation and `- ` of the last item
  if (!/^[ \t]*-[ \t]+$/.test(prefix)) return undefined;
  const lineEnd = text.indexOf('\n', last.range[1]);
  const line = `${prefix}${quoted(item, last.type)}`;
  if (lineEnd === -1) return `${text}${eol}${line}`;
  const at = text[lineEnd - 1] === '\r' ? lineEnd - 1 : lineEnd;
  return `${text.slice(0, at)}${eol}${line}${text.slice(at)}`;
}

/** The item in the style of its neighbour: plain where YAML reads it back as the same string. */
function quoted(value: string, style: Scalar['type']): string {
  if (style === Scalar.QUOTE_DOUBLE) return JSON.stringify(value);
  if (style === Scalar.PLAIN && /^[A-Za-z0-9._/][^#:'"]*$/.test(value) && !/\s$/.test(value)) return value;
  return `'${value.replaceAll("'", "''")}'`;
}

/**
 * The `packages:` list of a pnpm-workspace.yaml, read with a YAML parser (block or flow lists, any
 * indentation, comments). A file that is not valid YAML, or a `packages` that is not a list of
 * strings, returns undefined: we do not guess at YAML we cannot read.
 */
export function pnpmPackages(yaml: string): string[] | undefined {
  const doc = parseDocument(yaml);
  if (doc.errors.length > 0) return undefined;
  if (doc.contents !== null && !isMap(doc.contents)) return undefined;
  const packages = doc.get('packages', true);
  if (packages === undefined || (isScalar(packages) && packages.value === null)) return [];
  if (!isSeq(packages)) return undefined;
  const globs: string[] = [];
  for (const item of packages.items) {
    if (!isScalar(item) || typeof item.value !== 'string') return undefined;
    globs.push(item.value);
  }
  return globs;
}

/** `catalog:` (named `default`) and `catalogs:` of a pnpm-workspace.yaml: dependency → range. */
export function pnpmCatalogs(yaml: string): Record<string, Record<string, string>> {
  const doc = parseDocument(yaml);
  if (doc.errors.length > 0) return {};
  const data = doc.toJS() as { catalog?: unknown; catalogs?: unknown } | null;
  const catalogs: Record<string, Record<string, string>> = {};
  const take = (name: string, value: unknown) => {
    if (!value || typeof value !== 'object') return;
    const entries = Object.entries(value).filter((e): e is [string, string] => typeof e[1] === 'string');
    if (entries.length > 0) catalogs[name] = { ...catalogs[name], ...Object.fromEntries(entries) };
  };
  take('default', data?.catalog);
  if (data?.catalogs && typeof data.catalogs === 'object') for (const [name, value] of Object.entries(data.catalogs)) take(name, value);
  return catalogs;
}

/**
 * Sets `key: { entry: value }` in a YAML file when the map has no such entry (the `allowBuilds:`
 * of pnpm-workspace.yaml), changing no other byte: a missing map is appended at the end, an
 * entry goes after the last one of a block map in its indentation. A flow map, an existing entry
 * or anything the result does not parse back to returns undefined (the caller prints the line).
 */
export function addYamlMapEntry(text: string, key: string, entry: string, value: boolean): string | undefined {
  const doc = parseDocument(text);
  if (doc.errors.length > 0 || (doc.contents !== null && !isMap(doc.contents))) return undefined;
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const map = doc.get(key, true);
  let after: string | undefined;
  if (map === undefined) {
    after = `${text}${text === '' || text.endsWith('\n') ? '' : eol}${key}:${eol}  ${entry}: ${String(value)}${eol}`;
  } else if (isMap(map) && !map.flow && !map.has(entry)) {
    const last = map.items.at(-1);
    const keyNode = last?.key;
    if (!isScalar(keyNode) || !keyNode.range || !isScalar(last?.value) || !last.value.range) return undefined;
    const lineStart = text.lastIndexOf('\n', keyNode.range[0] - 1) + 1;
    const indent = text.slice(lineStart, keyNode.range[0]);
    if (!/^[ \t]+$/.test(indent)) return undefined;
    const lineEnd = text.indexOf('\n', last.value.range[1]);
    const line = `${indent}${entry}: ${String(value)}`;
    if (lineEnd === -1) after = `${text}${eol}${line}`;
    else {
      const at = text[lineEnd - 1] === '\r' ? lineEnd - 1 : lineEnd;
      after = `${text.slice(0, at)}${eol}${line}${text.slice(at)}`;
    }
  }
  if (after === undefined) return undefined;
  const check = parseDocument(after);
  const expected = { ...((doc.toJS() as Record<string, unknown> | null) ?? {}) };
  expected[key] = { ...((expected[key] as Record<string, unknown> | undefined) ?? {}), [entry]: value };
  return check.errors.length === 0 && JSON.stringify(check.toJS()) === JSON.stringify(expected) ? after : undefined;
}
