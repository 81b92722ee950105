// Measurement 1b: time to generate a project without installing it, median of repeated runs, from
// the CLIs installed by peers.mjs. Each run writes a new folder; no network, no TTY.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { binOf } from './peers.mjs';
import { median, timeRun } from './proc.mjs';

/** The commands compared: ours per template, create-vite vanilla-ts, create-fastify. */
export function generationCommands(installs) {
  const by = (name) => installs.find((i) => i.name === name);
  const ours = by('create-loopsvc');
  return [
    ...['http-fastify', 'telegram-grammy', 'worker'].map((template) => ({
      label: `create-loopsvc --template ${template}`,
      install: ours,
      bin: 'create-loopsvc',
      args: (dir) => [dir, '--template', template, '--no-install', '--no-git'],
    })),
    {
      label: 'create-vite --template vanilla-ts',
      install: by('create-vite'),
      bin: 'create-vite',
      args: (dir) => [dir, '--template', 'vanilla-ts', '--no-interactive', '--no-immediate'],
    },
    { label: 'create-fastify', install: by('create-fastify'), bin: 'create-fastify', args: (dir) => [dir] },
  ];
}

/**
 * Runs each command `reps` times, interleaved (a, b, c, a, b, c, ...) so that a noisy moment on
 * the machine does not land on one tool only. Every project stays until run.mjs removes the
 * whole folder: a removal between runs would make the next run's file creations pay for it (on
 * an ext4 without a journal, see bench/generation.mjs). Returns [{ label, medianMs, minMs, runs }].
 */
export async function timeGeneration({ root, installs, reps, log }) {
  const commands = generationCommands(installs);
  for (const c of commands) c.path = await binOf(c.install.dir, c.install.name, c.bin);
  const times = new Map(commands.map((c) => [c.label, []]));
  const work = join(root, 'generate');
  for (let i = 0; i < reps; i += 1) {
    for (const [k, c] of commands.entries()) {
      const cwd = join(work, `${i}-${k}`);
      await mkdir(cwd, { recursive: true });
      times.get(c.label).push(await timeRun(process.execPath, [c.path, ...c.args('app')], { cwd, env: { NO_COLOR: '1' }, timeoutMs: 60_000 }));
    }
  }
  log(`generation timed ${reps}x per command`);
  return commands.map((c) => {
    const runs = times.get(c.label);
    return { label: c.label, medianMs: median(runs), minMs: Math.min(...runs), runs: runs.length };
  });
}
