// piscina task file: runs on a worker thread, where blocking work is the point (R2.4).
import { pbkdf2Sync, randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';

const db = new Database('cache.db');
const sab = new Int32Array(new SharedArrayBuffer(4));

export default function hash(password: string): string {
  Atomics.wait(sab, 0, 0, 1); // clean: blocking on a worker thread
  const salt = randomBytes(16);
  db.prepare('select 1').get();
  return pbkdf2Sync(password, salt, 100_000, 64, 'sha512').toString('hex'); // clean: sync crypto on a worker thread
}
