// R2.3: synchronous fs in request handlers, including the forms n/no-sync cannot see.
import type { FastifyInstance } from 'fastify';
import fs, { readFileSync as slurp } from 'node:fs';
import * as zlib from 'node:zlib';
import { pbkdf2Sync, scryptSync } from 'node:crypto';

const { readFileSync: read, statSync: stat } = fs;
const readLater = fs.readFileSync; // a value: reported where it is called

export function buildRoutes(app: FastifyInstance): void {
  app.get('/a', async () => {
    const a = fs.readFileSync('a.bin'); // expect: R2.3
    const b = fs.readFileSync('b.txt', 'utf8'); // expect: R2.3
    const exists = fs.existsSync('c'); // expect: R2.3
    const hidden = read('d'); // expect: R2.3
    const size = stat('d').size; // expect: R2.3
    const computed = fs['readFileSync']('e'); // expect: R2.3
    const templated = fs[`existsSync`]('e'); // expect: R2.3
    const imported = slurp('f'); // expect: R2.3
    const later = readLater('g'); // expect: R2.3
    const table = { stat: fs.statSync };
    const stored = table.stat('h'); // expect: R2.3
    await fs.promises.access('j');
    return { a: a.length, b, exists, hidden, size, computed, templated, imported, later, stored };
  });

  app.post('/hash', async (req) => {
    const body = req.body as { password: string };
    const key = pbkdf2Sync(body.password, 'salt', 100_000, 64, 'sha512'); // expect: R2.3
    const other = scryptSync(body.password, 'salt', 64); // expect: R2.3
    const packed = zlib.gzipSync(key); // expect: R2.3
    await Promise.resolve();
    return { key: key.toString('hex'), other: other.length, packed: packed.length };
  });

  app.get('/big', async (req) => {
    const parsed: unknown = JSON.parse(String(req.body)); // miss: R2.4 CPU cost of JSON.parse is runtime-only (loop-guard)
    await Promise.resolve();
    return parsed;
  });
}
