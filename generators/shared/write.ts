import {
  accessSync,
  chmodSync,
  closeSync,
  constants,
  copyFileSync,
  linkSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmdirSync,
  rmSync,
  statfsSync,
  statSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';
import { CancelledError, environmentError, EXIT, LoopsvcError, printable, type StopSignal } from './errors.js';
import { pathLengthProblem, pathNameProblem } from './names.js';

/**
 * The one write engine: every command that writes (create, add, rules, workspace registration,
 * update) goes through it, in three steps.
 *
 *   const plan: Plan = { root, newRoot, creates, edits };   // 1. plan, in memory
 *   const checked = await checkPlan(plan);                    // 2. check all of it, write nothing
 *   await applyPlan(checked, { onStep });                     // 3. apply, or roll back
 *
 * (`writePlan(plan)` is check then apply.) The guarantees:
 * - check: every file to create is absent and its folders are folders the user can write; every
 *   file to edit still holds `before` and is writable (a symlink is followed and kept); every name
 *   fits the file system; the disk has room. A problem is one LoopsvcError, before the first byte.
 * - apply: files are written complete into a staging folder inside `root` (so on its file
 *   system), then placed with hard links, which never replace a path (EEXIST instead); folders
 *   are made one by one with mkdir, which never replaces either; an edit is re-read under a lock
 *   file and renamed over the original only while it still holds `before`. Where hard links are
 *   not supported (EXDEV, EPERM, ENOTSUP), a file is copied with COPYFILE_EXCL, still exclusive.
 * - rollback: any failure, SIGINT, SIGTERM or SIGHUP undoes exactly what this run did: files it
 *   placed (only while they are still its own inode), folders it made (only while empty), edits
 *   (only while the file still holds what it wrote). The user's files are never removed.
 * - a killed run (SIGKILL, power loss) leaves its staging folder, `.loopsvc-<hex>/`, holding
 *   `run.json` (its pid and the folders it made). `recoverInterrupted(root)` finds it: a live pid
 *   is another run at work (reported); a dead one is cleaned, again only of its own files.
 * - `onStep` is called before every step of apply (and with `placed` after each file is in place;
 *   files are staged and placed one at a time): tests use it to make a user's file appear,
 *   race a second run or send a signal at an exact moment, instead of sleeping.
 * - every file system call is synchronous: a run makes a few hundred small calls one after
 *   another, and each asynchronous one is a round trip through libuv's thread pool (which its
 *   first call has to start); the steps stay asynchronous, for the hooks.
 * - removals (update only: a file the template no longer has, unchanged since the template wrote
 *   it): checked like edits, then moved into the staging folder under the lock, so a rollback (or
 *   the recovery of a killed run) moves them back. A file that no longer holds `before` is never
 *   removed, so a file the user changed or wrote is never deleted.
 */

/** A file to create, POSIX path relative to the plan's root. */
export interface PlannedCreate {
  path: string;
  contents: string | Buffer;
}

/** A file to change: absolute path, the content planning read, the content to write. */
export interface PlannedEdit {
  path: string;
  before: string | Buffer;
  after: string | Buffer;
}

/** A file to remove: absolute path, and the content it must still hold (else nothing is written). */
export interface PlannedRemove {
  path: string;
  before: string | Buffer;
}

/**
 * A change as commands list it, relative to their root: a file to create (`before` undefined) or
 * to change (`before` is what planning read). `planWrites` turns a list into a Plan.
 */
export interface PlannedWrite {
  path: string;
  before?: string;
  after: string;
}

/**
 * The order of a plan's files (and of what --dry-run lists): by UTF-16 code units, as `ls` sorts
 * in the C locale. Not `localeCompare`: its first call loads ICU's collator, 8 ms of a 100 ms run.
 */
export function byPath(a: { path: string }, b: { path: string }): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}

export function planWrites(root: string, writes: readonly PlannedWrite[]): Plan {
  return {
    root,
    newRoot: false,
    creates: writes.filter((w) => w.before === undefined).map((w) => ({ path: w.path, contents: w.after })),
    edits: writes.flatMap((w) => (w.before === undefined ? [] : [{ path: path.join(root, ...w.path.split('/')), before: w.before, after: w.after }])),
  };
}

export interface Plan {
  /** the folder the run writes into (absolute); staging lives inside it */
  root: string;
  /** a new project: the root must be missing (then it is made, parents included) or empty */
  newRoot: boolean;
  creates: readonly PlannedCreate[];
  edits: readonly PlannedEdit[];
  removes?: readonly PlannedRemove[];
}

/** A plan that passed the check, with the folders apply has to make (parents first). */
export interface CheckedPlan extends Plan {
  folders: string[];
  /** root and its missing ancestors, outermost first, when the root does not exist */
  missingAncestors: string[];
  edits: Array<PlannedEdit & { real: string; mode: number }>;
  removes: PlannedRemove[];
}

export type Step =
  | { kind: 'mkdir'; path: string }
  | { kind: 'stage'; path: string }
  | { kind: 'place'; path: string }
  /** after a file is in place */
  | { kind: 'placed'; path: string }
  | { kind: 'edit'; path: string }
  | { kind: 'remove'; path: string }
  /** after a turn of the event loop, in which a signal reaches its handler */
  | { kind: 'checkpoint'; path: string };

export interface ApplyHooks {
  onStep?: (step: Step) => void | Promise<void>;
}

const STAGING_PREFIX = '.loopsvc-';
const RUN_FILE = 'run.json';
const LOCK_SUFFIX = '.loopsvc-lock';
const STOP_SIGNALS: readonly StopSignal[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
const NO_LINKS = new Set(['EXDEV', 'EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'EMLINK', 'ENOSYS']);

export async function writePlan(plan: Plan, hooks: ApplyHooks = {}): Promise<void> {
  await applyPlan(await checkPlan(plan), hooks);
}

// ---------------------------------------------------------------------------------------------
// check

export async function checkPlan(plan: Plan): Promise<CheckedPlan> {
  const root = path.resolve(plan.root);
  const missingAncestors: string[] = [];
  for (const name of root.split(path.sep)) nameCheck(name, root);
  // the longest path first: a deep target can pass every name and still be more than the system takes
  const longest = plan.creates.reduce((found, c) => (Buffer.byteLength(c.path) > Buffer.byteLength(found) ? c.path : found), '');
  for (const full of [root, path.join(root, longest)]) {
    const tooLong = pathLengthProblem(full);
    if (tooLong) throw new LoopsvcError('INVALID_PATH_NAME', `cannot create ${printable(full)}: ${tooLong}`);
  }
  const rootInfo = lstatOrUndefined(root);
  if (rootInfo === undefined) {
    let dir = root;
    for (; ; dir = path.dirname(dir)) {
      const info = lstatOrUndefined(dir);
      if (info) break;
      missingAncestors.unshift(dir);
      if (path.dirname(dir) === dir) break;
    }
    folderCheck(dir);
  } else {
    const info = rootInfo.isSymbolicLink() ? statQuiet(root) : rootInfo;
    if (info === undefined) {
      throw new LoopsvcError('TARGET_DANGLING_LINK', `${printable(root)} is a symbolic link to a path that does not exist; remove the link or choose another directory`);
    }
    if (!info.isDirectory()) throw new LoopsvcError('TARGET_NOT_DIR', `${printable(root)} exists and is not a directory; choose another directory`);
    folderCheck(root);
  }

  const folders = new Set<string>();
  const files = new Set(plan.creates.map((c) => c.path));
  if (files.size !== plan.creates.length) throw new Error('a plan lists one file twice');
  let bytes = 0;
  for (const create of plan.creates) {
    const parts = create.path.split('/');
    if (parts.some((name) => pathNameProblem(name) !== undefined)) for (const name of parts) nameCheck(name, path.join(root, create.path));
    bytes += Buffer.byteLength(create.contents);
    for (let i = 1; i < parts.length; i++) {
      const folder = parts.slice(0, i).join('/');
      if (files.has(folder)) throw new Error(`a plan lists ${folder} as a file and as a folder`);
      if (folders.has(folder)) continue;
      const info = rootInfo ? statOrUndefined(path.join(root, folder)) : undefined;
      if (info === undefined) folders.add(folder);
      else if (!info.isDirectory()) throw conflict(path.join(root, folder), 'is a file where a folder must go', false);
    }
    if (rootInfo && !folders.has(parts.slice(0, -1).join('/'))) {
      const existing = lstatOrUndefined(path.join(root, create.path));
      if (existing) throw conflict(path.join(root, create.path), 'already exists, and nothing is ever overwritten', false);
      if (parts.length > 1) folderCheck(path.join(root, ...parts.slice(0, -1)));
    }
  }

  const edits: CheckedPlan['edits'] = [];
  for (const edit of plan.edits) {
    let real: string;
    try {
      real = realpathSync(edit.path);
    } catch (error) {
      throw environmentError(error, 'nothing was written') ?? conflict(edit.path, 'cannot be read', false);
    }
    if (!sameContent(readFileSync(real), edit.before)) throw changedMeanwhile(edit.path);
    try {
      accessSync(real, constants.W_OK);
      accessSync(path.dirname(real), constants.W_OK | constants.X_OK);
    } catch (error) {
      throw environmentError(error, 'nothing was written') ?? error;
    }
    edits.push({ ...edit, real, mode: statSync(real).mode & 0o7777 });
    bytes += Buffer.byteLength(edit.after);
  }

  const removes = plan.removes ?? [];
  for (const remove of removes) {
    const info = lstatOrUndefined(remove.path);
    if (!info?.isFile() || !sameContent(readFileSync(remove.path), remove.before)) throw changedMeanwhile(remove.path);
    try {
      accessSync(path.dirname(remove.path), constants.W_OK | constants.X_OK);
    } catch (error) {
      throw environmentError(error, 'nothing was written') ?? error;
    }
  }

  spaceCheck(rootInfo ? root : path.dirname(missingAncestors[0] ?? root), bytes);
  return { ...plan, root, folders: [...folders].sort(byDepth), missingAncestors, edits, removes: [...removes] };
}

/** Whether a file's bytes are `expected` (a string as UTF-8). */
function sameContent(now: Buffer, expected: string | Buffer): boolean {
  return now.equals(typeof expected === 'string' ? Buffer.from(expected) : expected);
}

function nameCheck(name: string, full: string): void {
  const problem = pathNameProblem(name);
  if (problem) throw new LoopsvcError('INVALID_PATH_NAME', `cannot create ${printable(full)}: ${problem}`);
}

/** A folder the run writes into must exist as a folder it can write. */
function folderCheck(dir: string): void {
  let info;
  try {
    info = statSync(dir);
  } catch (error) {
    throw environmentError(error) ?? error;
  }
  if (!info.isDirectory()) throw new LoopsvcError('NOT_A_FOLDER', `${printable(dir)} is a file, not a folder; choose another location`);
  try {
    accessSync(dir, constants.W_OK | constants.X_OK);
  } catch (error) {
    throw environmentError(error) ?? error;
  }
}

/** Room for the files, with a margin for folders and metadata, where the file system says. */
function spaceCheck(dir: string, bytes: number): void {
  let fs;
  try {
    fs = statfsSync(dir);
  } catch {
    return; // a file system that cannot say
  }
  if (Number(fs.blocks) === 0) return; // a file system that reports no sizes (some network and FUSE ones)
  const available = Number(fs.bavail) * Number(fs.bsize);
  if (available < bytes + 1024 * 1024) {
    throw new LoopsvcError('ENV_ENOSPC', `cannot write ${printable(dir)}: no space left on the device (${available} bytes free); free some space and retry; nothing was written`, EXIT.failed);
  }
}

// ---------------------------------------------------------------------------------------------
// apply and rollback

interface Undo {
  /** `ino` of a copy; a hard link shares the inode of its `staged` file */
  placed: Array<{ file: string; staged: string; ino?: number }>;
  folders: string[];
  edits: Array<{ real: string; before: string | Buffer; after: string | Buffer; mode: number }>;
  /** removed files and where their content waits in the staging folder */
  removed: Array<{ file: string; backup: string }>;
  locks: string[];
  staging?: string;
}

export async function applyPlan(plan: CheckedPlan, hooks: ApplyHooks = {}): Promise<void> {
  let stopped: StopSignal | undefined;
  const onSignal = (signal: StopSignal): void => {
    stopped ??= signal;
  };
  for (const signal of STOP_SIGNALS) process.on(signal, onSignal);
  const undo: Undo = { placed: [], folders: [], edits: [], removed: [], locks: [] };
  const step = async (s: Step): Promise<void> => {
    await hooks.onStep?.(s);
    if (stopped) throw new CancelledError(stopped);
  };
  try {
    await apply(plan, undo, step);
    if (stopped) throw new CancelledError(stopped);
  } catch (error) {
    rollback(undo);
    throw describeFailure(error);
  } finally {
    for (const lock of undo.locks) rmSync(lock, { force: true });
    if (undo.staging) rmSync(undo.staging, { recursive: true, force: true }); // a folder per file: see apply
    for (const signal of STOP_SIGNALS) process.off(signal, onSignal);
  }
}

async function apply(plan: CheckedPlan, undo: Undo, step: (s: Step) => Promise<void>): Promise<void> {
  const { root } = plan;
  // the root and its parents, each made alone so a folder that appears meanwhile is never claimed
  for (const dir of plan.missingAncestors) {
    await step({ kind: 'mkdir', path: dir });
    if (mkdirOwn(dir)) undo.folders.push(dir);
    else if (dir === root && plan.newRoot) mustBeEmpty(root);
  }

  // staging, inside the root: same file system, and the marker of a run in progress
  const staging = makeStaging(root);
  undo.staging = staging;
  // run.json lists the files: the staged copy of the n-th is `<staging>/<n>` (a flat folder, no
  // staging subfolders to make and remove: each folder costs about as much as a file to write)
  const run = {
    pid: process.pid,
    folders: [...undo.folders.filter((f) => f !== root), ...plan.folders.map((f) => path.join(root, f))],
    root: undo.folders.includes(root),
    files: plan.creates.map((c) => c.path),
    // the n-th removed file waits as `<staging>/r<n>` until the run ends
    removes: plan.removes.map((r) => r.path),
    // the lock files it may take, each holding its pid
    locks: [...plan.removes.map((r) => r.path), ...plan.edits.map((e) => e.real)].map((file) => `${file}${LOCK_SUFFIX}`),
  };
  writeFileSync(path.join(staging, RUN_FILE), `${JSON.stringify(run)}\n`, { flag: 'wx' });
  if (plan.newRoot) mustBeEmpty(root, path.basename(staging));

  // Files one by one with the synchronous calls, folders in order (a folder before what goes in
  // it). A project is a few dozen small files: each asynchronous call is a round trip through
  // libuv's thread pool, which took 40 of the 110 ms CPU of a run (bench/generation.mjs); the
  // synchronous ones take a few. A signal meanwhile is seen at the next checkpoint.
  const files = plan.creates.map((create, n) => ({ create, staged: path.join(staging, String(n)), file: path.join(root, ...create.path.split('/')) }));
  for (const { create, staged } of files) {
    await step({ kind: 'stage', path: create.path });
    writeFileSync(staged, create.contents, { flag: 'wx' });
  }
  await signalsDelivered(step);

  for (const folder of plan.folders) {
    const dir = path.join(root, ...folder.split('/'));
    await step({ kind: 'mkdir', path: dir });
    if (mkdirOwn(dir)) undo.folders.push(dir);
  }
  for (const { staged, file } of files) {
    await step({ kind: 'place', path: file });
    const copied = placeExclusive(staged, file);
    // a hard link is the staged file's inode (compared at rollback); a copy has its own
    undo.placed.push({ file, staged, ino: copied ? lstatSync(file).ino : undefined });
    await step({ kind: 'placed', path: file });
  }

  // removals before edits, so a plan's last edit (update's record) is its last step
  for (const [n, remove] of plan.removes.entries()) {
    await step({ kind: 'remove', path: remove.path });
    const lock = `${remove.path}${LOCK_SUFFIX}`;
    takeLock(lock, remove.path);
    undo.locks.push(lock);
    if (!sameContent(readFileSync(remove.path), remove.before)) throw changedMeanwhile(remove.path);
    const backup = path.join(staging, `r${n}`);
    moveAside(remove.path, backup);
    undo.removed.push({ file: remove.path, backup });
  }

  for (const edit of plan.edits) {
    await step({ kind: 'edit', path: edit.path });
    const lock = `${edit.real}${LOCK_SUFFIX}`;
    takeLock(lock, edit.path);
    undo.locks.push(lock);
    replaceIf(edit.real, edit.before, edit.after, edit.mode, edit.path);
    undo.edits.push(edit);
  }
  await signalsDelivered(step);
}

/**
 * One turn of the event loop, in which a signal that came during the synchronous calls before
 * reaches its handler (the steps only await promises, which never let the loop turn); then the
 * run stops there if it was asked to. Once with everything staged, once at the end.
 */
async function signalsDelivered(step: (s: Step) => Promise<void>): Promise<void> {
  await new Promise<void>((resolve) => setImmediate(resolve));
  await step({ kind: 'checkpoint', path: '' });
}

/** mkdir of one folder: true when this run made it, false when a folder is already there. */
function mkdirOwn(dir: string): boolean {
  try {
    mkdirSync(dir);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    if (!statSync(dir).isDirectory()) throw conflict(dir, 'appeared as a file while writing');
    return false;
  }
}

function mustBeEmpty(root: string, ours?: string): void {
  const others = readdirSync(root).filter((e) => e !== ours);
  if (others.length > 0) {
    throw new LoopsvcError(
      'TARGET_CHANGED',
      `${printable(root)} is no longer empty (${others.slice(0, 3).map((e) => printable(e)).join(', ')} appeared: another program or run is writing there); nothing of it was touched`,
      EXIT.failed,
    );
  }
}

/** Moves a file into the staging folder (a copy where it sits on another file system, as a mount inside the root). */
function moveAside(file: string, backup: string): void {
  try {
    renameSync(file, backup);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
    copyFileSync(file, backup, constants.COPYFILE_EXCL);
    unlinkSync(file);
  }
}

/** Puts a removed file back where it was, unless something else is there now (that is kept). */
function putBack(backup: string, file: string): void {
  try {
    placeExclusive(backup, file);
  } catch {
    // a file that appeared at the path meanwhile is the user's: it stays
  }
}

/** Puts a complete file at `file`, never replacing anything there; true when it had to copy. */
function placeExclusive(staged: string, file: string): boolean {
  try {
    linkSync(staged, file);
    return false;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    if (code === 'EEXIST') throw conflict(file, 'appeared while writing (another program or run wrote it) and was kept');
    if (!NO_LINKS.has(code)) throw error;
    try {
      copyFileSync(staged, file, constants.COPYFILE_EXCL);
      return true;
    } catch (copyError) {
      if ((copyError as NodeJS.ErrnoException).code === 'EEXIST') throw conflict(file, 'appeared while writing (another program or run wrote it) and was kept');
      try {
        unlinkSync(file); // COPYFILE_EXCL made it, so a partial copy is this run's
      } catch {
        // nothing was made
      }
      throw copyError;
    }
  }
}

/** A lock file beside an edited file, so two runs never edit it at once; a dead run's lock is taken over. */
function takeLock(lock: string, shown: string): void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lock, 'wx');
      try {
        writeSync(fd, `${process.pid}\n`);
      } finally {
        closeSync(fd);
      }
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const pid = Number.parseInt(readQuiet(lock), 10);
      if (attempt > 0 || isAlive(pid)) {
        throw new LoopsvcError(
          'FILE_LOCKED',
          `${printable(shown)} is being edited by another create-loopsvc run (pid ${Number.isNaN(pid) ? '?' : pid}, lock ${printable(lock)}); wait for it, or delete the lock if no run is active`,
          EXIT.failed,
        );
      }
      rmSync(lock, { force: true });
    }
  }
}

/** Replaces `real` with `after` (atomically, by rename) only while it holds `expected`. */
function replaceIf(real: string, expected: string | Buffer, after: string | Buffer, mode: number, shown: string): void {
  const temp = path.join(path.dirname(real), `${STAGING_PREFIX}edit-${randomHex()}`);
  try {
    writeFileSync(temp, after, { flag: 'wx', mode });
    chmodSync(temp, mode);
    if (!sameContent(readFileSync(real), expected)) throw changedMeanwhile(shown);
    renameSync(temp, real);
  } finally {
    rmSync(temp, { force: true });
  }
}

function rollback(undo: Undo): void {
  for (const edit of undo.edits.reverse()) {
    try {
      replaceIf(edit.real, edit.after, edit.before, edit.mode, edit.real);
    } catch {
      // changed since this run wrote it: the user's now, kept
    }
  }
  for (const removed of undo.removed.reverse()) putBack(removed.backup, removed.file);
  for (const placed of undo.placed.reverse()) {
    const info = lstatQuiet(placed.file);
    const ours = placed.ino ?? lstatQuiet(placed.staged)?.ino;
    if (info && ours !== undefined && info.ino === ours) quietly(() => unlinkSync(placed.file));
  }
  if (undo.staging) rmSync(undo.staging, { recursive: true, force: true });
  undo.staging = undefined;
  for (const dir of undo.folders.sort(byDepth).reverse()) quietly(() => rmdirSync(dir));
}

function describeFailure(error: unknown): unknown {
  if (error instanceof CancelledError || error instanceof LoopsvcError) return error;
  return environmentError(error, 'what this run had written was removed') ?? error;
}

// ---------------------------------------------------------------------------------------------
// runs that were killed

export interface Interrupted {
  staging: string;
  pid: number;
  alive: boolean;
}

/** Staging folders of other runs inside `root`: their pid, and whether that process still runs. */
export async function findInterrupted(root: string): Promise<Interrupted[]> {
  let entries: string[];
  try {
    entries = readdirSync(root);
  } catch {
    return [];
  }
  const found: Interrupted[] = [];
  for (const entry of entries.filter((e) => e.startsWith(STAGING_PREFIX))) {
    const staging = path.join(root, entry);
    let run: { pid?: number } | undefined;
    try {
      run = JSON.parse(readFileSync(path.join(staging, RUN_FILE), 'utf8')) as { pid?: number };
    } catch {
      run = undefined;
    }
    if (typeof run?.pid !== 'number') continue;
    found.push({ staging, pid: run.pid, alive: run.pid !== process.pid && isAlive(run.pid) });
  }
  return found;
}

/**
 * Removes what a killed run left in `root`: the files it had placed (still its own inodes, the
 * same as its staged copies), the folders it made (when empty), its staging folder. A run that is
 * still alive is reported instead. Returns one line per cleaned run, for the CLI to print.
 */
export async function recoverInterrupted(root: string): Promise<string[]> {
  const notes: string[] = [];
  for (const run of await findInterrupted(root)) {
    if (run.alive) {
      throw new LoopsvcError(
        'RUN_IN_PROGRESS',
        `another create-loopsvc run (pid ${run.pid}) is writing into ${printable(root)}; wait for it to finish, or stop it and re-run`,
        EXIT.failed,
      );
    }
    const meta = JSON.parse(readFileSync(path.join(run.staging, RUN_FILE), 'utf8')) as { folders?: string[]; root?: boolean; files?: unknown; removes?: unknown; locks?: unknown };
    for (const lock of Array.isArray(meta.locks) ? meta.locks : []) {
      if (typeof lock !== 'string' || !lock.endsWith(LOCK_SUFFIX)) continue;
      const pid = Number.parseInt(readQuiet(lock), 10);
      if (pid === run.pid) rmSync(lock, { force: true }); // its own lock; another run's stays
    }
    const removes = Array.isArray(meta.removes) ? meta.removes : [];
    for (const [n, file] of removes.entries()) {
      const backup = path.join(run.staging, `r${n}`);
      if (typeof file === 'string' && file.startsWith(root + path.sep) && lstatOrUndefined(backup)) putBack(backup, file);
    }
    const files = Array.isArray(meta.files) ? meta.files.filter((f): f is string => typeof f === 'string') : [];
    for (const [n, file] of files.entries()) {
      const placed = path.join(root, ...file.split('/'));
      if (!placed.startsWith(root + path.sep)) continue;
      const [a, b] = [lstatQuiet(path.join(run.staging, String(n))), lstatQuiet(placed)];
      if (a && b && a.ino === b.ino && a.dev === b.dev) unlinkSync(placed);
    }
    rmSync(run.staging, { recursive: true, force: true });
    for (const dir of [...(meta.folders ?? [])].sort(byDepth).reverse()) {
      if (dir.startsWith(root + path.sep)) quietly(() => rmdirSync(dir));
    }
    const putBackToo = removes.length > 0 ? ', and put back the files it had removed' : '';
    notes.push(`recovered: removed what an interrupted create-loopsvc run (pid ${run.pid}) had left in ${printable(root)}${putBackToo}`);
  }
  return notes;
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

// ---------------------------------------------------------------------------------------------

/** A path in the way: found by the check (bad input, exit 2), or appeared while applying (exit 1). */
function conflict(file: string, what: string, applying = true): LoopsvcError {
  return applying
    ? new LoopsvcError('PATH_CONFLICT', `${printable(file)} ${what}; nothing of yours was changed, and what this run had written was removed`, EXIT.failed)
    : new LoopsvcError('PATH_CONFLICT', `${printable(file)} ${what}; move it aside or choose another location (nothing was written)`);
}

function changedMeanwhile(file: string): LoopsvcError {
  return new LoopsvcError('FILE_CHANGED', `${printable(file)} changed while create-loopsvc was running; nothing was written, re-run to plan again`, EXIT.failed);
}

function byDepth(a: string, b: string): number {
  return a.split(/[\\/]/).length - b.split(/[\\/]/).length || (a < b ? -1 : a > b ? 1 : 0);
}

/** The file's lstat, or undefined where nothing is; any other failure is an environment error. */
function lstatOrUndefined(file: string) {
  try {
    return lstatSync(file, { throwIfNoEntry: false });
  } catch (error) {
    throw environmentError(error) ?? error;
  }
}

function statOrUndefined(file: string) {
  try {
    return statSync(file, { throwIfNoEntry: false });
  } catch (error) {
    throw environmentError(error) ?? error;
  }
}

/** lstat, stat and read where any failure means "not there" (rollback and recovery). */
function lstatQuiet(file: string) {
  try {
    return lstatSync(file);
  } catch {
    return undefined;
  }
}

function statQuiet(file: string) {
  try {
    return statSync(file);
  } catch {
    return undefined;
  }
}

function readQuiet(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

function quietly(action: () => void): void {
  try {
    action();
  } catch {
    // best effort: what is left is reported by the caller's message
  }
}

/** Eight hex digits for a staging name: unique enough, as mkdir refuses a name that exists. */
function randomHex(): string {
  return Math.floor(Math.random() * 0x1_0000_0000).toString(16).padStart(8, '0');
}

/** The staging folder inside `root`, `.loopsvc-<hex>`, made exclusively (another name if taken). */
function makeStaging(root: string): string {
  for (let attempt = 0; ; attempt++) {
    const staging = path.join(root, `${STAGING_PREFIX}${randomHex()}`);
    try {
      mkdirSync(staging);
      return staging;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 4) throw error;
    }
  }
}
