import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { templatesPack } from '../../scripts/pack-templates.mjs';
import { packedBlobId, readFolder, readPack, type TemplateFiles } from '../../generators/shared/template-files.js';
import { TEMPLATES_DIR } from '../../generators/shared/render.js';
import { REPO_ROOT, removeDir, tempDir } from '../helpers/paths.js';

const sha1 = (bytes: Buffer) => createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');

/**
 * The bundle reads its templates from the build's pack (dist/templates.pack), the sources (these
 * tests) from templates/: the two must give the same files, byte for byte, and the pack's blob ids
 * must be git's (the record of every generated service holds them).
 */
describe('the templates pack', () => {
  let dir: string;
  let pack: TemplateFiles;
  const folder = readFolder(TEMPLATES_DIR);

  beforeAll(async () => {
    dir = await tempDir('loopsvc-pack-');
    const file = path.join(dir, 'templates.pack');
    await writeFile(file, (await templatesPack(TEMPLATES_DIR)).pack);
    pack = readPack(file)!;
  });
  afterAll(() => removeDir(dir));

  it('lists every file of templates/, in the same order, whole and by folder', () => {
    const all = folder.list('').filter((f) => !f.split('/').includes('node_modules'));
    expect(all.length).toBeGreaterThan(150);
    expect(pack.list('')).toEqual(all);
    for (const sub of ['_shared/base', 'http-fastify', 'worker/_options/source/redis', 'telegram-grammy/_add/command']) {
      expect(pack.list(sub), sub).toEqual(folder.list(sub));
      expect(pack.list(sub).length, sub).toBeGreaterThan(0);
    }
  });

  it('gives each file byte for byte, with the blob id git gives it; a changed copy has none', () => {
    for (const file of pack.list('')) {
      const bytes = pack.read(file);
      expect(bytes.equals(folder.read(file)), file).toBe(true);
      expect(packedBlobId(bytes), file).toBe(sha1(bytes));
    }
    const some = pack.read('_shared/base/src/logger.ts');
    expect(packedBlobId(Buffer.from(some))).toBeUndefined();
    expect(packedBlobId(some.toString('utf8'))).toBeUndefined();
    expect(packedBlobId(folder.read('_shared/base/src/logger.ts'))).toBeUndefined();
  });

  it('has nothing for a folder or file that is not there (ENOENT, as the file system says)', () => {
    expect(pack.list('no-such-template')).toEqual([]);
    expect(folder.list('no-such-template')).toEqual([]);
    expect(() => pack.read('http-fastify/no-such-file')).toThrow(expect.objectContaining({ code: 'ENOENT' }));
    // a folder is not a prefix of a longer name
    expect(pack.list('http')).toEqual([]);
  });

  it('is what the build put beside the bundle (dist/templates.pack): the CLI runs the current templates', async () => {
    const built = await readFile(path.join(REPO_ROOT, 'dist', 'templates.pack')).catch(() => undefined);
    expect(built, 'dist/templates.pack is missing or stale: run npm run build').toBeDefined();
    expect(built!.equals((await templatesPack(TEMPLATES_DIR)).pack), 'dist/templates.pack is stale: run npm run build').toBe(true);
  });

  it('a pack cut short, overwritten or reordered is one error naming the fix (exit 1), never short files', async () => {
    const whole = await readFile(path.join(dir, 'templates.pack'));
    const newline = whole.indexOf(10);
    const damaged = {
      'cut short': whole.subarray(0, whole.length - 100),
      'one byte more': Buffer.concat([whole, Buffer.from('x')]),
      'no index': Buffer.from('garbage without a newline'),
      'not JSON': Buffer.concat([Buffer.from('{"files": [\n'), whole.subarray(newline + 1)]),
      'an entry out of order': Buffer.from(whole.toString('latin1').replace(/,(\d+),/, (_, n: string) => `,${Number(n) + 1},`), 'latin1'),
    };
    for (const [why, bytes] of Object.entries(damaged)) {
      const file = path.join(dir, `damaged-${why.replaceAll(' ', '-')}.pack`);
      await writeFile(file, bytes);
      expect(() => readPack(file), why).toThrow(expect.objectContaining({ code: 'TEMPLATES_DAMAGED', exitCode: 1, message: expect.stringMatching(/ is damaged \(.+\); reinstall create-loopsvc$/) }));
    }
  });

  it('reads no pack where there is none (the sources read templates/)', () => {
    expect(readPack(path.join(dir, 'absent.pack'))).toBeUndefined();
  });
});
