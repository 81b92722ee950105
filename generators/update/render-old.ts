import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { capture } from '../shared/exec.js';
import { EXIT, firstLine, LoopsvcError } from '../shared/errors.js';
import type { PlannedFile } from '../shared/render.js';
import { RECORD_FILE, type Answers } from './record.js';

/**
 * What an earlier version generated, recovered in one of two ways: from the service's own git
 * objects (the record names each file's blob, and the first commit holds it), or by running that
 * version of the package (`npm exec create-loopsvc@<version>`, or a tarball or folder given with
 * --from-package) into a scratch folder, without install or git.
 */

/** A blob from the repository around `dir`, or undefined when this clone does not have it. */
export async function gitBlob(dir: string, id: string): Promise<Buffer | undefined> {
  const result = await capture('git', ['cat-file', 'blob', id], { cwd: dir });
  return result.exitCode === 0 ? Buffer.from(result.stdout) : undefined;
}

/** The npm package spec of a version: `create-loopsvc@0.1.0`; a path to a tarball or folder is used as given. */
export async function packageSpec(from: string, cwd: string): Promise<string> {
  const local = path.resolve(cwd, from);
  if (await stat(local).then(() => true, () => false)) return local;
  return /^\d/.test(from) ? `create-loopsvc@${from}` : from;
}

/** The CLI flags that give an earlier version the same answers. */
export function answerFlags(answers: Answers): string[] {
  const flags = ['--template', answers.template, '--name', answers.name, '--pm', answers.pm];
  for (const [key, value] of Object.entries(answers.options)) {
    if (typeof value === 'boolean') flags.push(value ? `--${key}` : `--no-${key}`);
    else flags.push(`--${key}`, value);
  }
  return flags;
}

/** The version a package spec runs (`create-loopsvc --version`), for messages and the conflict labels. */
export async function packageVersion(spec: string): Promise<string> {
  const result = await capture('npm', ['exec', '--yes', '--package', spec, '--', 'create-loopsvc', '--version'], { env: { npm_config_user_agent: '' } });
  return result.exitCode === 0 ? String(result.stdout).trim() : spec;
}

/** Runs the package `spec` with `answers` into a scratch folder and reads back every file it wrote. */
export async function renderWithPackage(spec: string, answers: Answers): Promise<PlannedFile[]> {
  const scratch = await mkdtemp(path.join(tmpdir(), 'loopsvc-old-'));
  try {
    const target = path.join(scratch, 'service');
    const args = ['exec', '--yes', '--package', spec, '--', 'create-loopsvc', target, ...answerFlags(answers), '--no-install', '--no-git', '--yes'];
    const result = await capture('npm', args, { cwd: scratch, env: { npm_config_user_agent: '' }, timeoutMs: 5 * 60_000 });
    if (result.exitCode !== 0) {
      throw new LoopsvcError(
        'OLD_RENDER_FAILED',
        `could not render ${answers.template} with ${spec} (${firstLine(result.stderr || result.error?.message || `exit ${result.exitCode}`)}); pass --from-package <tarball or folder> of the version that generated the service`,
        EXIT.failed,
      );
    }
    const entries = await readdir(target, { recursive: true, withFileTypes: true });
    const files = entries.filter((e) => e.isFile()).map((e) => path.relative(target, path.join(e.parentPath, e.name)).split(path.sep).join('/'));
    const plan = await Promise.all(files.map(async (file) => ({ path: file, contents: await readFile(path.join(target, file)) })));
    return plan.filter((f) => f.path !== RECORD_FILE).sort((a, b) => a.path.localeCompare(b.path));
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
