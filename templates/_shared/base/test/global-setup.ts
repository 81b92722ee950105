import { execFile } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { promisify } from 'node:util';
import { PROJECT_ROOT } from './helpers/process.js';

/**
 * The lifecycle tests run the BUILT service, so build it first: `npm test` works on a fresh
 * checkout, and no `pretest` script is needed (pnpm skips pre-scripts).
 */
export default async function setup(): Promise<void> {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  await rm(new URL('../dist', import.meta.url), { recursive: true, force: true });
  await promisify(execFile)(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: PROJECT_ROOT });
}
