import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NODE_ENGINES, NODE_POLICY } from '../../generators/shared/node-policy.js';
import { CLI, removeDir, tempDir, treeSnapshot } from '../helpers/paths.js';
import { nodeBin } from '../helpers/tools.js';

/**
 * People run `npm create` with the Node they have: the bundled CLI keeps working on the floor its
 * own package.json declares (Node 20.19), and says when that Node cannot run what it generated.
 */
const CLI_FLOOR = '20.19.0';

describe(`the CLI on Node ${CLI_FLOOR}`, () => {
  let node20: string;
  let cwd: string;
  const cli = (node: string, args: string[]) => execa(node, [CLI, ...args], { cwd, reject: false, env: { NO_COLOR: '1', npm_config_user_agent: '' }, stdin: 'ignore' });

  beforeAll(async () => {
    node20 = path.join(await nodeBin(CLI_FLOOR), 'node');
    cwd = await tempDir();
  }, 300_000);
  afterAll(async () => {
    await removeDir(cwd);
  });

  it('runs: --help and --version', async () => {
    const { stdout } = await execa(node20, ['--version']);
    expect(stdout).toBe(`v${CLI_FLOOR}`);
    expect((await cli(node20, ['--help'])).exitCode).toBe(0);
    expect((await cli(node20, ['--version'])).exitCode).toBe(0);
  });

  it('generates exactly what a current Node generates, and says in one line which Node the project needs', async () => {
    const old = await cli(node20, ['on20', '--template', 'http-fastify', '--no-install', '--no-git']);
    expect(old.exitCode, old.stderr).toBe(0);
    const note = old.stdout.split('\n').filter((line) => line.startsWith('note: the generated project needs'));
    expect(note).toHaveLength(1);
    expect(note[0]).toContain(NODE_ENGINES);
    expect(note[0]).toContain(`v${CLI_FLOOR}`);
    expect(note[0]).toContain(`install Node ${NODE_POLICY.activeLts}`);

    const current = await cli(process.execPath, ['current', '--template', 'http-fastify', '--name', 'on20', '--no-install', '--no-git']);
    expect(current.exitCode, current.stderr).toBe(0);
    expect(current.stdout).not.toContain('note: the generated project needs');
    expect(await treeSnapshot(path.join(cwd, 'on20'))).toEqual(await treeSnapshot(path.join(cwd, 'current')));
  });
});

describe('the CLI on a Node older than its floor', () => {
  it('exits 1 with one line that names the Node it needs', async () => {
    const node18 = path.join(await nodeBin('18.20.8'), 'node');
    const r = await execa(node18, [CLI, '--help'], { reject: false, env: { NO_COLOR: '1' } });
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringContaining('create-loopsvc needs Node.js 20.19 or newer, and this is v18.20.8')]);
  }, 300_000);
});

