import { cp } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'vitest';
import { runAddCommand } from '../../generators/add/command.js';
import { LoopsvcError } from '../../generators/shared/errors.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/paths.js';

/** The service each kind of entry belongs in, as the CLI flags that generate it. */
export const SERVICES = {
  route: ['--template', 'http-fastify'],
  command: ['--template', 'telegram-grammy', '--mode', 'polling'],
  job: ['--template', 'worker', '--source', 'memory'],
} as const;

/** Generates a service with the built CLI into a new folder outside the repo; returns its root. */
export async function generate(flags: readonly string[], root?: string): Promise<string> {
  const parent = root ?? (await tempDir('loopsvc-add-'));
  const r = await runCli(['svc', ...flags, '--no-install', '--no-git'], { cwd: parent });
  expect(r.exitCode, r.stderr).toBe(0);
  return path.join(parent, 'svc');
}

/** A fresh copy of a generated service, so a test may change it. */
export async function copyOf(service: string): Promise<string> {
  const target = path.join(await tempDir('loopsvc-add-copy-'), 'svc');
  await cp(service, target, { recursive: true });
  return target;
}

export interface AddResult {
  code: number;
  out: string;
  err: string;
  error?: LoopsvcError;
}

/** `create-loopsvc add …` in-process, with the CLI boundary's handling of expected errors. */
export async function add(argv: readonly string[], cwd: string): Promise<AddResult> {
  const out: string[] = [];
  const err: string[] = [];
  try {
    const code = await runAddCommand(argv, { cwd, out: (l) => out.push(l), err: (l) => err.push(l) });
    return { code, out: out.join('\n'), err: err.join('\n') };
  } catch (error) {
    if (!(error instanceof LoopsvcError)) throw error;
    return { code: error.exitCode, out: out.join('\n'), err: err.join('\n'), error };
  }
}
