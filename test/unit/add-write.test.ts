import { mkdir, readdir, readFile, readlink, rename, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyPlan, planAddition } from '../../generators/add/plan.js';
import { LoopsvcError } from '../../generators/shared/errors.js';
import { removeDir, tempDir, treeSnapshot } from '../helpers/paths.js';
import { makeReadOnly } from '../helpers/read-only.js';
import { add, copyOf, generate, SERVICES } from '../add/helpers.js';

// How `create-loopsvc add` writes: through the write engine (see generators/shared/write.ts).

let pristine: string;
const dirs: string[] = [];
beforeAll(async () => {
  pristine = await generate(SERVICES.route);
  dirs.push(path.dirname(pristine));
}, 60_000);
afterAll(async () => {
  await Promise.all(dirs.map((d) => removeDir(d)));
});

async function fresh(): Promise<string> {
  const dir = await copyOf(pristine);
  dirs.push(path.dirname(dir));
  return dir;
}

const INDEX = 'src/routes/index.ts';

describe('add writes through the engine', () => {
  it('a prototype key such as "constructor" is an ordinary name', async () => {
    const service = await fresh();
    const r = await add(['route', 'constructor'], service);
    expect(r.code, r.error?.message).toBe(0);
    expect(await readFile(path.join(service, INDEX), 'utf8')).toContain("import { constructorRoutes } from './constructor.js';");
  });

  it('two runs planned on the same registration point: the second fails (exit 1) and removes its module, the first stays', async () => {
    const service = await fresh();
    const a = await planAddition({ serviceDir: service, kind: 'route', name: 'alpha' });
    const b = await planAddition({ serviceDir: service, kind: 'route', name: 'beta' });
    await applyPlan(a);
    const error = await applyPlan(b).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LoopsvcError);
    expect(error).toMatchObject({ code: 'FILE_CHANGED', exitCode: 1 });
    const index = await readFile(path.join(service, INDEX), 'utf8');
    expect(index).toContain('alphaRoutes');
    expect(index).not.toContain('betaRoutes');
    expect(await readdir(path.join(service, 'src/routes'))).not.toContain('beta.ts');
    expect(await readdir(path.join(service, 'test/routes'))).not.toContain('beta.test.ts');
    // and a re-run, planned again, adds it
    expect((await add(['route', 'beta'], service)).code).toBe(0);
  });

  it('a read-only registration point stops add before the module is written', async () => {
    const service = await fresh();
    const before = await treeSnapshot(service);
    const undo = await makeReadOnly(path.join(service, INDEX));
    try {
      const r = await add(['route', 'orders'], service);
      expect(r.code).toBe(1);
      expect(r.error?.message).toContain(`cannot write ${path.join(service, INDEX)}`);
    } finally {
      await undo();
    }
    expect(await treeSnapshot(service)).toEqual(before);
  });

  it('a symlinked registration point stays a symlink; its target gets the entry', async () => {
    const service = await fresh();
    await rename(path.join(service, INDEX), path.join(service, 'src/routes/real-index.ts'));
    await symlink('real-index.ts', path.join(service, INDEX));
    expect((await add(['route', 'orders'], service)).code).toBe(0);
    expect(await readlink(path.join(service, INDEX))).toBe('real-index.ts');
    expect(await readFile(path.join(service, 'src/routes/real-index.ts'), 'utf8')).toContain('ordersRoutes');
  });

  it('in a pnpm monorepo, the next steps are pnpm commands', async () => {
    const root = await tempDir('loopsvc-add-mono-');
    dirs.push(root);
    await writeFile(path.join(root, 'package.json'), '{ "name": "root", "private": true }\n');
    await writeFile(path.join(root, 'pnpm-workspace.yaml'), "packages:\n  - 'services/*'\n");
    await mkdir(path.join(root, 'services'));
    const service = path.join(root, 'services', 'svc');
    await rename(await fresh(), service);
    const r = await add(['route', 'orders'], service);
    expect(r.code).toBe(0);
    expect(r.out).toContain('pnpm run typecheck && pnpm run lint && pnpm run test');
    expect(r.out).not.toMatch(/(^|[^p])npm run/m);
  });

  it('what a killed add left (its staging folder, placed files) is cleaned by the next add', async () => {
    const service = await fresh();
    const staging = path.join(service, '.loopsvc-deadbeef');
    await mkdir(path.join(staging, 'files'), { recursive: true });
    await writeFile(path.join(staging, 'run.json'), JSON.stringify({ pid: 999_999_999, folders: [] }));
    const r = await add(['route', 'orders'], service);
    expect(r.code, r.error?.message).toBe(0);
    expect(r.out).toMatch(/recovered: removed what an interrupted create-loopsvc run \(pid 999999999\) had left/);
    expect(await readdir(service)).not.toContain('.loopsvc-deadbeef');
  });
});
