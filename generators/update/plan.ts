import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ADD_KINDS, KINDS } from '../add/kinds.js';
import { mergeRegistrationPoint } from '../add/registration-point.js';
import { EXIT, LoopsvcError } from '../shared/errors.js';
import type { PlannedFile } from '../shared/render.js';
import { mergePackageJson, mergeText, type MergeLabels } from './merge.js';
import { gitBlobId } from '../shared/blob-id.js';
import { RECORD_FILE } from './record.js';

/** One change to the service, with what the file held when it was planned (checked again before writing). */
export type UpdateOp =
  | { kind: 'create'; path: string; after: Buffer }
  | { kind: 'replace'; path: string; before: Buffer; after: Buffer; how: 'template' | 'merged' | 'conflict' }
  | { kind: 'remove'; path: string; before: Buffer };

export interface UpdatePlan {
  serviceDir: string;
  /** in the order they are applied; the record comes last */
  ops: UpdateOp[];
  /** files written with conflict markers, and how many hunks each */
  conflicts: Array<{ path: string; hunks: number }>;
  /** what was kept on the user's side and why, one line each */
  notes: string[];
  /** the template's own new content of every file written other than as the template renders it */
  bases: Buffer[];
}

/** What the template rendered before: its blob id per file, and the content when a merge needs it. */
export interface BaseFiles {
  ids: Readonly<Record<string, string>>;
  content(file: string): Promise<Buffer | undefined>;
}

export interface UpdateRequest {
  serviceDir: string;
  base: BaseFiles;
  /** what the current templates render with the (maybe changed) answers, record included */
  next: readonly PlannedFile[];
  labels: MergeLabels;
}

/**
 * File by file: unchanged by the user → the template's new version; changed by both → merged
 * three ways (package.json as data); added by the template → created; dropped by the template
 * and untouched by the user → removed; everything the template never wrote → not looked at.
 * Plans only: nothing is written here.
 */
export async function planUpdate(request: UpdateRequest): Promise<UpdatePlan> {
  const { serviceDir, base, labels } = request;
  const plan: UpdatePlan = { serviceDir, ops: [], conflicts: [], notes: [], bases: [] };
  const next = new Map(request.next.map((f) => [f.path, f.contents]));
  const paths = [...new Set([...Object.keys(base.ids), ...next.keys()])].filter((p) => p !== RECORD_FILE).sort();
  for (const file of paths) {
    const ours = await readCurrent(serviceDir, file);
    await planFile(plan, { file, baseId: base.ids[file], ours, theirs: next.get(file), base, labels });
  }
  const record = next.get(RECORD_FILE);
  const current = await readCurrent(serviceDir, RECORD_FILE);
  if (record && !current) plan.ops.push({ kind: 'create', path: RECORD_FILE, after: record });
  else if (record && current && !current.equals(record)) plan.ops.push({ kind: 'replace', path: RECORD_FILE, before: current, after: record, how: 'template' });
  return plan;
}

interface FileState {
  file: string;
  baseId: string | undefined;
  ours: Buffer | undefined;
  theirs: Buffer | undefined;
  base: BaseFiles;
  labels: MergeLabels;
}

async function planFile(plan: UpdatePlan, state: FileState): Promise<void> {
  const { file, baseId, ours, theirs } = state;
  const oursId = ours && gitBlobId(ours);
  if (theirs === undefined) {
    // the template no longer writes it
    if (ours === undefined) return;
    if (oursId === baseId) plan.ops.push({ kind: 'remove', path: file, before: ours });
    else plan.notes.push(`kept ${file}: the template no longer generates it, and you changed it`);
    return;
  }
  const theirsId = gitBlobId(theirs);
  if (theirsId === baseId || theirsId === oursId) return; // the template did not change it, or the user already has it
  if (ours === undefined) {
    if (baseId === undefined) plan.ops.push({ kind: 'create', path: file, after: theirs });
    else {
      plan.notes.push(`not recreated ${file}: you deleted it, and the template changed it`);
      plan.bases.push(theirs);
    }
    return;
  }
  if (oursId === baseId) {
    plan.ops.push({ kind: 'replace', path: file, before: ours, after: theirs, how: 'template' });
    return;
  }
  // changed on both sides (or added on both): merge against what the template wrote before
  const old = baseId === undefined ? Buffer.alloc(0) : await state.base.content(file);
  if (old === undefined) {
    throw new LoopsvcError('BASE_MISSING', `cannot find what the template generated for ${file} (blob ${baseId}); pass --from-package <tarball or folder> of the version that generated the service`, EXIT.failed);
  }
  plan.bases.push(theirs);
  if (file === 'package.json') {
    const merged = mergePackageJsonOrConflict(old, ours, theirs, plan);
    if (merged) plan.ops.push({ kind: 'replace', path: file, before: ours, after: merged, how: 'merged' });
    return;
  }
  // a registration point (src/routes/index.ts, …) is a list of modules: merged as one
  const kind = ADD_KINDS.find((k) => KINDS[k].index === file);
  const list = kind && (await mergeRegistrationPoint(kind, old.toString('utf8'), ours.toString('utf8'), theirs.toString('utf8')));
  if (list !== undefined) {
    const after = Buffer.from(list);
    if (!after.equals(ours)) plan.ops.push({ kind: 'replace', path: file, before: ours, after, how: 'merged' });
    return;
  }
  const merged = await mergeText(ours, old, theirs, state.labels);
  if (merged.contents.equals(ours)) return;
  if (merged.conflicts > 0) plan.conflicts.push({ path: file, hunks: merged.conflicts });
  plan.ops.push({ kind: 'replace', path: file, before: ours, after: merged.contents, how: merged.conflicts > 0 ? 'conflict' : 'merged' });
}

function mergePackageJsonOrConflict(old: Buffer, ours: Buffer, theirs: Buffer, plan: UpdatePlan): Buffer | undefined {
  let merged;
  try {
    merged = mergePackageJson(old.toString('utf8'), ours.toString('utf8'), theirs.toString('utf8'));
  } catch {
    plan.notes.push('kept package.json: it is not valid JSON, so the template\'s changes to it were not merged');
    return undefined;
  }
  const theirsPkg = JSON.parse(theirs.toString('utf8')) as Record<string, unknown>;
  for (const key of merged.kept) plan.notes.push(`package.json: kept your ${key}; the template has ${JSON.stringify(valueAt(theirsPkg, key)) ?? 'removed it'}`);
  const after = Buffer.from(merged.text);
  return after.equals(ours) ? undefined : after;
}

function valueAt(data: unknown, dotted: string): unknown {
  return dotted.split('.').reduce<unknown>((value, key) => (typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined), data);
}

async function readCurrent(serviceDir: string, file: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path.join(serviceDir, ...file.split('/')));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') return undefined;
    throw error;
  }
}
