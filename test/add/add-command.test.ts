import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADD_KINDS, KINDS, type AddKind } from '../../generators/add/kinds.js';
import { applyPlan, planAddition } from '../../generators/add/plan.js';
import { removeDir, tempDir, treeSnapshot } from '../helpers/paths.js';
import { add, copyOf, generate, SERVICES } from './helpers.js';

// `create-loopsvc add` on services generated here, outside the repo, without installing them:
// what it plans and writes, and that it writes nothing when it refuses. That the result
// typechecks, lints and passes its tests is proven on installed services in e2e.test.ts.

const NAME: Record<AddKind, string> = { route: 'orders', command: 'ping', job: 'invoice.send' };
const FILES: Record<AddKind, string[]> = {
  route: ['src/routes/orders.ts', 'test/routes/orders.test.ts', 'src/routes/orders.schemas.ts', 'src/routes/index.ts'],
  command: ['src/handlers/ping.ts', 'test/handlers/ping.test.ts', 'src/handlers/index.ts'],
  job: ['src/jobs/invoice-send.ts', 'test/jobs/invoice-send.test.ts', 'src/jobs/index.ts'],
};

let root: string;
const pristine = {} as Record<AddKind, string>;
const cleanup: string[] = [];

beforeAll(async () => {
  root = await tempDir('loopsvc-add-');
  for (const kind of ADD_KINDS) pristine[kind] = await generate(SERVICES[kind], await subdir(root, kind));
}, 60_000);

afterAll(async () => {
  await Promise.all([root, ...cleanup].map((d) => removeDir(d)));
});

async function fresh(kind: AddKind): Promise<string> {
  const dir = await copyOf(pristine[kind]);
  cleanup.push(path.dirname(dir));
  return dir;
}

async function subdir(parent: string, name: string): Promise<string> {
  const dir = path.join(parent, name);
  await mkdir(dir);
  return dir;
}

/** Runs `add` and asserts it refused with exit 2 and one line, writing nothing. */
async function expectRefusal(argv: string[], service: string, message: RegExp): Promise<void> {
  const before = await treeSnapshot(service);
  const r = await add(argv, service);
  expect(r.code).toBe(2);
  expect(r.error?.message).toMatch(message);
  expect(r.error?.message).not.toContain('\n');
  expect(await treeSnapshot(service)).toEqual(before);
}

describe.each(ADD_KINDS)('add %s', (kind) => {
  const spec = KINDS[kind];
  const name = NAME[kind];

  it(`writes ${FILES[kind].join(', ')}, and nothing else`, async () => {
    const service = await fresh(kind);
    const before = await treeSnapshot(service);
    const r = await add([kind, name], service);
    expect(r.code, r.error?.message).toBe(0);
    expect(r.out).toContain(`${FILES[kind].slice(0, -1).map((f) => `create ${f}\n`).join('')}update ${spec.index}\nadded ${kind} `);
    const after = await treeSnapshot(service);
    const changed = Object.keys(after).filter((f) => after[f] !== before[f]).sort();
    expect(changed).toEqual([...FILES[kind]].sort());
    expect(await readFile(path.join(service, spec.index), 'utf8')).toContain(`from './${FILES[kind][0]?.split('/').pop()?.replace(/\.ts$/, '.js')}';`);
  });

  it.runIf(kind === 'route')('writes a route typed by its TypeBox schemas, and a test that finds it in /openapi.json', async () => {
    const service = await fresh(kind);
    expect((await add([kind, name], service)).code).toBe(0);
    const source = await readFile(path.join(service, FILES[kind][0] ?? ''), 'utf8');
    expect(source).toContain("import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';");
    expect(source).toMatch(/schema: \{ querystring: Query, response: \{ 200: Reply, 400: ErrorReply, 503: ErrorReply \} \}/);
    expect(source).not.toMatch(/app\.get</); // no hand-written generics: the types come from the schemas
    const test = await readFile(path.join(service, FILES[kind][1] ?? ''), 'utf8');
    expect(test).toContain("inject('/openapi.json')");
    expect(test).toContain(".paths['/orders']?.get");
  });

  it('is idempotent: a second run says "nothing to do" and leaves every byte as it was', async () => {
    const service = await fresh(kind);
    expect((await add([kind, name], service)).code).toBe(0);
    const once = await treeSnapshot(service);
    const again = await add([kind, name], service);
    expect(again.code).toBe(0);
    expect(again.out).toMatch(/^nothing to do: /);
    expect(await treeSnapshot(service)).toEqual(once);
  });

  it('--dry-run prints the plan and writes nothing; --dir points at the service', async () => {
    const service = await fresh(kind);
    const before = await treeSnapshot(service);
    const r = await add([kind, name, '--dry-run', '--dir', path.basename(service)], path.dirname(service));
    expect(r.code).toBe(0);
    expect(r.out).toContain(`would create ${FILES[kind][0]}`);
    expect(r.out).toMatch(new RegExp(`dry run: ${FILES[kind].length} files would be written to .*; nothing was written$`));
    expect(await treeSnapshot(service)).toEqual(before);
  });

  it('a second entry keeps the list sorted, and both stay registered', async () => {
    const service = await fresh(kind);
    const other = { route: 'accounts/active', command: 'about', job: 'aaa.first' }[kind];
    expect((await add([kind, name], service)).code).toBe(0);
    expect((await add([kind, other], service)).code).toBe(0);
    const plan = await planAddition({ serviceDir: service, kind, name });
    expect(plan).toMatchObject({ problems: [], writes: [] });
  });

  it('refuses an invalid name', async () => {
    await expectRefusal([kind, 'Not Valid'], await fresh(kind), new RegExp(`^invalid ${kind} name "Not Valid": expected `));
  });

  it('refuses a name whose file exists with other content (a clash), naming the file', async () => {
    const service = await fresh(kind);
    await writeFile(path.join(service, FILES[kind][0] ?? ''), '// mine\n');
    await expectRefusal([kind, name], service, new RegExp(`clashes with ${FILES[kind][0]}, which already exists with other content: choose another name, or move the file aside and re-run; nothing was written$`));
  });

  it('refuses a name an entry of the template already has', async () => {
    const taken = { route: 'fanout', command: 'start', job: 'email.send' }[kind];
    await expectRefusal([kind, taken], await fresh(kind), /clashes with .*, which already exists? with other content/);
  });

  it('refuses when the registration point was edited by hand', async () => {
    const service = await fresh(kind);
    const file = path.join(service, spec.index);
    await writeFile(file, (await readFile(file, 'utf8')).replace(/\n\n/, '\n// my note\n\n'));
    await expectRefusal([kind, name], service, new RegExp(`^${spec.index} was edited by hand \\(line \\d+: "// my note"\\), so it cannot be regenerated safely; .*nothing was written$`));
  });

  it('refuses when the registration point is missing', async () => {
    const service = await fresh(kind);
    await rm(path.join(service, spec.index));
    await expectRefusal([kind, name], service, new RegExp(`has no ${spec.index}: add ${kind} works in services generated by create-loopsvc --template ${spec.template}`));
  });

  it('refuses in a service of another template, naming what works there', async () => {
    const other = ADD_KINDS.find((k) => k !== kind) ?? 'route';
    await expectRefusal([kind, name], await fresh(other), new RegExp(`was generated with --template ${KINDS[other].template}, and add ${kind} works in ${spec.template} services; in this one, use create-loopsvc add ${other} <name>; nothing was written$`));
  });
});

describe('add, outside a service or with bad arguments', () => {
  it('refuses a folder without package.json', async () => {
    const dir = await tempDir('loopsvc-add-empty-');
    cleanup.push(dir);
    await expectRefusal(['route', 'orders'], dir, /^no package\.json in .*; run create-loopsvc add in the root of a generated service, or pass --dir <service>; nothing was written$/);
  });

  it.each([
    [[], /^what to add is missing; usage: create-loopsvc add/],
    [['page', 'x'], /^cannot add "page": expected route, command, job; usage:/],
    [['route'], /^the route name is missing, e.g. create-loopsvc add route orders; usage:/],
    [['route', 'a', 'b'], /^expected one route name, got "a", "b"; usage:/],
    [['route', 'a', '--force'], /^unknown option --force; usage:/],
  ])('%j is an error with the usage', async (argv, message) => {
    await expectRefusal(argv, pristine.route, message);
  });

  it('--help prints the usage', async () => {
    const r = await add(['--help'], pristine.route);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^usage: create-loopsvc add <route\|command\|job> <name> \[--dir <service>\] \[--dry-run\]/);
  });
});

describe('planAddition and applyPlan (for a plop action)', () => {
  it('plan without writing; apply writes exactly the plan', async () => {
    const service = await fresh('job');
    const before = await treeSnapshot(service);
    const plan = await planAddition({ serviceDir: service, kind: 'job', name: 'invoice.send' });
    expect(plan.problems).toEqual([]);
    expect(plan.writes.map((w) => w.path)).toEqual(FILES.job);
    expect(await treeSnapshot(service)).toEqual(before);
    await applyPlan(plan);
    for (const w of plan.writes) expect(await readFile(path.join(service, w.path), 'utf8')).toBe(w.after);
  });

  it('a plan with problems has no writes, and applying it throws the one-line error', async () => {
    const plan = await planAddition({ serviceDir: pristine.job, kind: 'job', name: 'Bad' });
    expect(plan.writes).toEqual([]);
    expect(plan.problems).toEqual([{ code: 'ADD_INVALID_NAME', message: expect.stringMatching(/^invalid job name "Bad"/) as unknown }]);
    await expect(applyPlan(plan)).rejects.toThrow(/^invalid job name "Bad"/);
  });

  it('refuses two names that would export the same identifier', async () => {
    const service = await fresh('route');
    expect((await add(['route', 'a-b2'], service)).code).toBe(0);
    await expectRefusal(['route', 'a-b-2'], service, /would export aB2Routes, which \.\/a-b2\.ts already exports in src\/routes\/index\.ts; choose another name; nothing was written$/);
  });

  it('keeps CRLF line endings of a registration point checked out that way', async () => {
    const service = await fresh('command');
    const file = path.join(service, KINDS.command.index);
    await writeFile(file, (await readFile(file, 'utf8')).replaceAll('\n', '\r\n'));
    expect((await add(['command', 'ping'], service)).code).toBe(0);
    const text = await readFile(file, 'utf8');
    expect(text).toContain("import { pingHandler } from './ping.js';\r\n");
    expect(text.replaceAll('\r\n', '')).not.toContain('\n');
  });
});
