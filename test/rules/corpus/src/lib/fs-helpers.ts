// A project's own helper module that re-exports Node's sync API under new names (a barrel).
import fs from 'node:fs';

export const { existsSync } = fs;
export { readFileSync as readText } from 'node:fs';
export const io = { stat: fs.statSync, read: fs.promises.readFile };

// The project's own *Sync functions: pure, no I/O.
export function checksumSync(data: string): number {
  let sum = 0;
  for (const ch of data) sum = (sum + ch.charCodeAt(0)) % 65_521;
  return sum;
}
