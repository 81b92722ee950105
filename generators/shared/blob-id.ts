import { sha1Hex } from './sha1.js';
import { packedBlobId } from './template-files.js';

/**
 * The id git gives a file's content: the SHA-1 of `blob <length>\0<content>`. A template file
 * exactly as the build's pack gave it comes with its id (./template-files.ts), so generation
 * hashes only what it rendered.
 */
export function gitBlobId(contents: Buffer | string): string {
  const packed = packedBlobId(contents);
  if (packed !== undefined) return packed;
  const body = typeof contents === 'string' ? Buffer.from(contents) : contents;
  return sha1Hex([Buffer.from(`blob ${body.length}\0`), body]);
}
