import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { TEMPLATES_DIR, TEMPLATES_PACK } from '../templates-dir.js';
import { EXIT, LoopsvcError } from './errors.js';

/**
 * The templates' files, as every command reads them: from the pack the build made
 * (`dist/templates.pack`, scripts/pack-templates.mjs: one read for all of them, each verbatim
 * file's git blob id computed by the build), or, running from the sources, from templates/ itself.
 * Paths are POSIX, relative to templates/ (`_shared/base/Dockerfile.hbs`).
 */
export interface TemplateFiles {
  /** every file under `folder` (`''`: all of them), as paths relative to it, sorted; none for a folder that is not there */
  list(folder: string): string[];
  /** a file's bytes (an error with code ENOENT for a file that is not there) */
  read(file: string): Buffer;
  /** where they are read from, for a message: the pack's path or the folder's */
  where: string;
}

/** The blob ids the pack brought, by the very Buffer it handed out (a changed copy is not in it). */
const packedIds = new WeakMap<Buffer, string>();

/** The git blob id of `contents` when it is a template file exactly as the pack gave it. */
export function packedBlobId(contents: Buffer | string): string | undefined {
  return typeof contents === 'string' ? undefined : packedIds.get(contents);
}

let files: TemplateFiles | undefined;

/** The templates this run reads: the pack when the build made one beside the bundle, else templates/. */
export function templateFiles(): TemplateFiles {
  return (files ??= readPack(TEMPLATES_PACK) ?? readFolder(TEMPLATES_DIR));
}

function notThere(file: string, where: string): Error {
  return Object.assign(new Error(`ENOENT: no such template file, ${file} (in ${where})`), { code: 'ENOENT' });
}

/** The templates in a pack (scripts/pack-templates.mjs); undefined when there is no such file. */
export function readPack(file: string): TemplateFiles | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const index = packIndex(bytes, file);
  const body = bytes.indexOf(10) + 1;
  const byPath = new Map(index.map(([name, offset, length, id]) => [name, { offset, length, id }]));
  return {
    where: file,
    list(folder) {
      const prefix = folder === '' ? '' : `${folder}/`;
      // the index is sorted by path, so the files of a folder are sorted too
      return index.filter(([name]) => name.startsWith(prefix)).map(([name]) => name.slice(prefix.length));
    },
    read(name) {
      const entry = byPath.get(name);
      if (!entry) throw notThere(name, file);
      const contents = bytes.subarray(body + entry.offset, body + entry.offset + entry.length);
      packedIds.set(contents, entry.id);
      return contents;
    },
  };
}

type PackEntry = [name: string, offset: number, length: number, id: string];

/**
 * The pack's index, checked against the bytes that follow it: a pack cut short or overwritten
 * (a broken install) is one line naming the fix, never a project with missing or wrong files.
 */
function packIndex(bytes: Buffer, file: string): PackEntry[] {
  const damaged = (why: string) => new LoopsvcError('TEMPLATES_DAMAGED', `${file} is damaged (${why}); reinstall create-loopsvc`, EXIT.failed);
  const newline = bytes.indexOf(10);
  if (newline < 0) throw damaged('no index');
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8', 0, newline));
  } catch {
    throw damaged('its index is not JSON');
  }
  const index = (parsed as { files?: unknown } | null)?.files;
  if (!Array.isArray(index)) throw damaged('its index lists no files');
  const size = bytes.length - newline - 1;
  let end = 0;
  for (const entry of index as unknown[]) {
    const [name, offset, length, id] = Array.isArray(entry) ? (entry as unknown[]) : [];
    if (typeof name !== 'string' || offset !== end || typeof length !== 'number' || typeof id !== 'string') throw damaged('its index is not in order');
    end += length;
  }
  if (end !== size) throw damaged(`${size} bytes of files where its index has ${end}`);
  return index as PackEntry[];
}

/** The templates in a folder laid out as templates/ is. */
export function readFolder(root: string): TemplateFiles {
  // Walks one folder at a time and builds each path itself: under Yarn's Plug'n'Play a package
  // is read from a zip through Yarn's fs layer, whose recursive readdir reports wrong
  // Dirent.parentPath values (yarn create loopsvc failed on that).
  const walk = (dir: string, prefix: string): string[] => {
    let entries;
    try {
      entries = readdirSync(path.join(dir, prefix), { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    return entries.flatMap((entry) => {
      const file = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
      if (entry.isDirectory()) return walk(dir, file);
      return entry.isFile() ? [file] : [];
    });
  };
  return {
    where: root,
    list: (folder) => walk(path.join(root, ...folder.split('/')), '').sort(),
    read: (name) => readFileSync(path.join(root, ...name.split('/'))),
  };
}
