// Startup file: module top level runs once, before serving, so sync reads are fine HERE.
import { existsSync, readFileSync } from 'node:fs';
import fs from 'node:fs';
import { randomBytes } from 'node:crypto';

const file = process.env.CONFIG_FILE ?? 'config.json';
const raw = existsSync(file) ? readFileSync(file, 'utf8') : '{}'; // clean: startup read at top level
const { readFileSync: read } = fs;
const ca = read('ca.pem'); // clean: aliased read at top level
export const sessionSecret = randomBytes(32); // clean: randomBytes at startup

export const config = { ...(JSON.parse(raw) as Record<string, unknown>), ca };

// A function can be called again later, from a handler: not startup code any more.
export function reloadConfig(): string {
  return readFileSync(file, 'utf8'); // expect: R2.3
}
