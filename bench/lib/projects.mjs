// The projects the runtime measurements start: generated once per run into the run's folder,
// installed from the npm registry (npm's own cache makes repeated runs fast) and built.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { binOf } from './peers.mjs';
import { run } from './proc.mjs';

/** Ours, per template/option, and the project create-fastify generates. */
export const PROJECTS = [
  { id: 'http', cli: 'create-loopsvc', args: ['--template', 'http-fastify'] },
  { id: 'bot', cli: 'create-loopsvc', args: ['--template', 'telegram-grammy', '--mode', 'polling'] },
  { id: 'bot-runner', cli: 'create-loopsvc', args: ['--template', 'telegram-grammy', '--mode', 'polling', '--runner'] },
  { id: 'worker', cli: 'create-loopsvc', args: ['--template', 'worker', '--source', 'memory'] },
  { id: 'worker-postgres', cli: 'create-loopsvc', args: ['--template', 'worker', '--source', 'postgres'] },
  { id: 'worker-redis', cli: 'create-loopsvc', args: ['--template', 'worker', '--source', 'redis'] },
  { id: 'create-fastify', cli: 'create-fastify', args: [] },
];

const OUR_FLAGS = ['--no-install', '--no-git'];

/** Installed version of a dependency inside a project (what the registry resolved this run). */
export async function installedVersion(dir, pkg) {
  try {
    return JSON.parse(await readFile(join(dir, 'node_modules', pkg, 'package.json'), 'utf8')).version;
  } catch {
    return undefined;
  }
}

/** Generates, installs and builds every project; returns { [id]: dir }. */
export async function prepareProjects({ root, installs, log }) {
  const dirs = {};
  for (const p of PROJECTS) {
    const install = installs.find((i) => i.name === p.cli);
    const bin = await binOf(install.dir, install.name, p.cli);
    const dir = join(root, 'projects', p.id);
    const extra = p.cli === 'create-loopsvc' ? OUR_FLAGS : [];
    await run(process.execPath, [bin, dir, ...p.args, ...extra, ...(p.cli === 'create-loopsvc' ? ['--name', `bench-${p.id}`] : [])], {
      cwd: root,
      env: { NO_COLOR: '1' },
    });
    log(`npm install ${p.id}`);
    await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline'], { cwd: dir, timeoutMs: 600_000 });
    if (p.cli === 'create-loopsvc') await run('npm', ['run', 'build'], { cwd: dir, timeoutMs: 300_000 });
    dirs[p.id] = dir;
  }
  return dirs;
}
