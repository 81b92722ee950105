import { createHash } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { gitBlobId } from '../../generators/shared/blob-id.js';
import { sha1Hex, sha1WithCrypto, sha1WithWasm } from '../../generators/shared/sha1.js';
import { SHA1_WASM } from '../../generators/shared/sha1-wasm.js';
import { assemble, MODULE_FILE, moduleText, WAT_FILE } from '../../scripts/assemble-sha1.mjs';
import { CLI, removeDir, tempDir } from '../helpers/paths.js';

const expected = (bytes: Uint8Array) => createHash('sha1').update(bytes).digest('hex');

/** Bytes that differ from one length to the next, so a misplaced block or word shows. */
function message(length: number): Buffer {
  const bytes = Buffer.alloc(length);
  for (let i = 0; i < length; i += 1) bytes[i] = (i * 31 + length * 7) & 0xff;
  return bytes;
}

describe('SHA-1 in WebAssembly (generators/shared/sha1.wat)', () => {
  it('gives node:crypto\'s digest for every length up to five blocks (each padding case) and for large messages', () => {
    for (let length = 0; length <= 330; length += 1) expect(sha1WithWasm([message(length)]), `${length} bytes`).toBe(expected(message(length)));
    // past the module's first 128 KiB of memory, which then grows; and the last word of a block
    for (const length of [1023, 1024, 65_535, 65_536, 200_000, 3 * 1024 * 1024 + 5]) expect(sha1WithWasm([message(length)]), `${length} bytes`).toBe(expected(message(length)));
  });

  it('hashes the parts as one message, and a shorter message after a longer one is not mixed with its bytes', () => {
    const parts = [Buffer.from('blob 11\0'), Buffer.from('hello '), Buffer.from('world')];
    expect(sha1WithWasm(parts)).toBe(expected(Buffer.concat(parts)));
    expect(sha1WithWasm([message(5000)])).toBe(expected(message(5000)));
    expect(sha1WithWasm([Buffer.from('abc')])).toBe('a9993e364706816aba3e25717850c26c9cd0d89d'); // FIPS 180 example
    expect(sha1WithWasm([])).toBe('da39a3ee5e6b4b0d3255bfef95601890afd80709');
  });

  it('falls back to node:crypto, with the same digests', () => {
    for (const length of [0, 55, 56, 64, 1000]) expect(sha1WithCrypto([message(length)])).toBe(expected(message(length)));
    expect(sha1Hex([message(77)])).toBe(expected(message(77)));
  });

  it('gives git\'s blob ids', async () => {
    for (const text of ['', 'hello\n', 'é\r\n', message(3000).toString('latin1')]) {
      const r = await execa('git', ['hash-object', '--stdin'], { input: Buffer.from(text) });
      expect(gitBlobId(text)).toBe(r.stdout.trim());
      expect(gitBlobId(Buffer.from(text))).toBe(r.stdout.trim());
    }
  });

  it('under node --jitless (no WebAssembly) takes node:crypto: the built CLI writes the same record', async () => {
    const dir = await tempDir('loopsvc-jitless-');
    try {
      const run = (flags: string[], out: string) => execa(process.execPath, [...flags, CLI, out, '--template', 'http-fastify', '--no-install', '--no-git'], { cwd: dir, env: { npm_config_user_agent: '' } });
      await run(['--jitless'], 'svc');
      await mkdir(path.join(dir, 'again'));
      await execa(process.execPath, [CLI, '../svc2', '--name', 'svc', '--template', 'http-fastify', '--no-install', '--no-git'], { cwd: path.join(dir, 'again'), env: { npm_config_user_agent: '' } });
      const record = await readFile(path.join(dir, 'svc', '.loopsvc.json'), 'utf8');
      expect(record).toContain('"README.md"');
      expect(record).toBe(await readFile(path.join(dir, 'svc2', '.loopsvc.json'), 'utf8'));
      const readme = await execa('git', ['hash-object', path.join(dir, 'svc', 'README.md')]);
      expect((JSON.parse(record) as { files: Record<string, string> }).files['README.md']).toBe(readme.stdout.trim());
    } finally {
      await removeDir(dir);
    }
  });

  it('is the assembly of sha1.wat that generators/shared/sha1-wasm.ts carries (node scripts/assemble-sha1.mjs after an edit)', async () => {
    const binary = await assemble(await readFile(WAT_FILE, 'utf8'));
    expect(SHA1_WASM).toBe(binary.toString('base64'));
    expect(await readFile(MODULE_FILE, 'utf8')).toBe(moduleText(binary));
  });
});
