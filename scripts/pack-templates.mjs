// The build's templates pack, dist/templates.pack: every file under templates/ in one file, so a
// run reads its templates with one call instead of listing a dozen folders and opening each of
// about 85 files (3 to 5 ms of a 50 ms run, bench/generation.mjs), and gets the git blob id of
// each verbatim file from the build instead of hashing it for the record. The layout is a JSON
// index on the first line, then the files' bytes one after another:
//
//   {"files":[["_shared/base/Dockerfile.hbs",0,1834,"<sha1 of 'blob 1834\0'+bytes>"],...]}\n<bytes>
//
// each entry a POSIX path relative to templates/, its offset from the byte after the newline, its
// length and its blob id, sorted by path. generators/shared/template-files.ts reads it.
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

/** What a developer's trial install leaves in a template folder: never packed (the render skips more). */
const SKIPPED_FOLDERS = new Set(['node_modules']);

async function listFiles(root, prefix = '') {
  const entries = await readdir(path.join(root, prefix), { withFileTypes: true });
  const files = [];
  for (const entry of entries) {
    const file = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory()) {
      if (!SKIPPED_FOLDERS.has(entry.name)) files.push(...(await listFiles(root, file)));
    } else if (entry.isFile()) files.push(file);
  }
  return files;
}

/** The git blob id of a file's bytes, as `git hash-object` gives it. */
export function gitBlobId(bytes) {
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

/**
 * @param {string} templatesDir
 * @returns {Promise<{ pack: Buffer, files: string[] }>} the pack's bytes, and the files it holds (absolute, for watching)
 */
export async function templatesPack(templatesDir) {
  const files = (await listFiles(templatesDir)).sort();
  const bodies = await Promise.all(files.map((file) => readFile(path.join(templatesDir, ...file.split('/')))));
  let offset = 0;
  const index = files.map((file, n) => {
    const entry = [file, offset, bodies[n].length, gitBlobId(bodies[n])];
    offset += bodies[n].length;
    return entry;
  });
  const pack = Buffer.concat([Buffer.from(`${JSON.stringify({ files: index })}\n`), ...bodies]);
  return { pack, files: files.map((file) => path.join(templatesDir, ...file.split('/'))) };
}
