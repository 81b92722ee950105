import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { PROJECT_ROOT } from './helpers/process.js';

/**
 * The lifecycle tests run the BUILT service, so build it first, as `npm run build` does: `npm test`
 * works on a fresh checkout, no `pretest` script is needed (pnpm skips pre-scripts), and the tests
 * run what `npm start` runs. A project whose build has a step after tsc runs it from
 * dist/build/run.js (package.json's build script says so).
 */
export default async function setup(): Promise<void> {
  const run = promisify(execFile);
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  await rm(new URL('../dist', import.meta.url), { recursive: true, force: true });
  await run(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: PROJECT_ROOT });
  const buildStep = fileURLToPath(new URL('../dist/build/run.js', import.meta.url));
  if (existsSync(buildStep)) await run(process.execPath, [buildStep], { cwd: PROJECT_ROOT });
}
