import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { capture } from '../shared/exec.js';
import { EXIT, LoopsvcError } from '../shared/errors.js';

/** The labels conflict markers carry: `<<<<<<< yours`, `>>>>>>> create-loopsvc 0.2.0`. */
export interface MergeLabels {
  ours: string;
  base: string;
  theirs: string;
}

export interface TextMerge {
  contents: Buffer;
  /** how many conflicting hunks were written as conflict markers */
  conflicts: number;
}

/**
 * Three-way merge of one file with `git merge-file`: the user's version, what the template
 * rendered before (the base) and what it renders now. Conflicts are written as git's standard
 * markers, so editors and `git mergetool` know them.
 */
export async function mergeText(ours: Buffer, base: Buffer, theirs: Buffer, labels: MergeLabels): Promise<TextMerge> {
  const dir = await mkdtemp(path.join(tmpdir(), 'loopsvc-merge-'));
  try {
    const files = { ours: path.join(dir, 'ours'), base: path.join(dir, 'base'), theirs: path.join(dir, 'theirs') };
    await Promise.all([writeFile(files.ours, ours), writeFile(files.base, base), writeFile(files.theirs, theirs)]);
    const args = ['merge-file', '-p', '-L', labels.ours, '-L', labels.base, '-L', labels.theirs, files.ours, files.base, files.theirs];
    const result = await capture('git', args);
    const code = result.exitCode ?? -1;
    // 0: clean, 1..127: that many conflicts, anything else: git failed
    if (code < 0 || code > 127) {
      throw new LoopsvcError('MERGE_FAILED', `git merge-file failed (${result.stderr.trim() || `exit ${code}`}); is git installed?`, EXIT.failed);
    }
    return { contents: Buffer.from(result.stdout), conflicts: code };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

export interface JsonMerge {
  text: string;
  /** `devDependencies.fastify` style paths the user and the template both changed: the user's value was kept */
  kept: string[];
}

/**
 * package.json merged as data, key by key: a value the template changed is taken unless the
 * user changed it too (then the user's stays and the key is listed in `kept`); a key the
 * template added is added after its neighbour, one it dropped is dropped unless the user changed
 * it. The user's key order, indentation and line endings are kept.
 */
export function mergePackageJson(base: string, ours: string, theirs: string): JsonMerge {
  const kept: string[] = [];
  const merged = mergeValue(JSON.parse(base) as Json, JSON.parse(ours) as Json, JSON.parse(theirs) as Json, [], kept);
  const indent = /^\{\r?\n([ \t]+)"/.exec(ours)?.[1] ?? '  ';
  let text = JSON.stringify(merged, null, indent);
  if (ours.includes('\r\n')) text = text.replaceAll('\n', '\r\n');
  const eol = /\r?\n$/.exec(ours)?.[0] ?? '';
  return { text: `${text}${eol}`, kept };
}

/** node:util by process.getBuiltinModule, as in ../shared/args.ts: an import would load its lazy modules (worker_threads among them). */
function isDeepStrictEqual(a: Json | undefined, b: Json | undefined): boolean {
  return process.getBuiltinModule('node:util').isDeepStrictEqual(a, b);
}

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function mergeValue(base: Json | undefined, ours: Json | undefined, theirs: Json | undefined, at: string[], kept: string[]): Json | undefined {
  // objects are merged key by key even when equal, so the user's key order stays
  if (isObject(ours) && isObject(theirs)) return mergeObject(isObject(base) ? base : {}, ours, theirs, at, kept);
  if (isDeepStrictEqual(base, theirs)) return ours;
  if (isDeepStrictEqual(base, ours) || isDeepStrictEqual(ours, theirs)) return theirs;
  kept.push(at.join('.'));
  return ours;
}

function mergeObject(base: JsonObject, ours: JsonObject, theirs: JsonObject, at: string[], kept: string[]): JsonObject {
  const keys = [...Object.keys(ours)];
  // a key the template added goes after the key that precedes it in the template's order
  const theirKeys = Object.keys(theirs);
  for (const [index, key] of theirKeys.entries()) {
    if (keys.includes(key)) continue;
    if (Object.hasOwn(base, key)) {
      // the user deleted it and the template changed it: it stays deleted
      if (!isDeepStrictEqual(base[key], theirs[key])) kept.push([...at, key].join('.'));
      continue;
    }
    const before = theirKeys.slice(0, index).reverse().find((k) => keys.includes(k));
    keys.splice(before === undefined ? 0 : keys.indexOf(before) + 1, 0, key);
  }
  const result: JsonObject = {};
  for (const key of keys) {
    const value = mergeValue(base[key], ours[key], theirs[key], [...at, key], kept);
    if (value !== undefined) result[key] = value;
  }
  return result;
}
