import { randomBytes, scryptSync } from 'node:crypto';

export interface HashTask {
  password: string;
}

export interface HashResult {
  algorithm: 'scrypt';
  salt: string;
  hash: string;
}

/**
 * Piscina task: runs on a worker thread, so this deliberately synchronous, CPU-heavy call blocks
 * only that thread, never the service's event loop (R2.4). Stand-in for any CPU-bound job:
 * image resizing, big JSON/CSV parsing, compression, report rendering.
 */
export default function hash({ password }: HashTask): HashResult {
  const salt = randomBytes(16);
  const key = scryptSync(password, salt, 64, { N: 16_384, r: 8, p: 1 });
  return { algorithm: 'scrypt', salt: salt.toString('hex'), hash: key.toString('hex') };
}
