import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NODE_POLICY } from '../../generators/shared/node-policy.js';
import { TEMPLATE_IDS } from '../../generators/shared/registry.js';
import { runCli } from '../helpers/cli.js';
import { removeDir, tempDir } from '../helpers/paths.js';
import { nodeBin, pathWith } from '../helpers/tools.js';

/**
 * The lowest version `engines` admits on each maintained line below the Active LTS really runs the
 * generated projects: each template, with its default options, installs without an engine warning,
 * builds and passes its own tests on exactly that version (NODE_POLICY.floor, 22.22.2, is the first
 * of them). Every variant runs on the Active LTS in generated-projects.test.ts; so each line the
 * services declare is tested, at the oldest release it admits.
 */
const MINUTES = 60_000;

const LOWEST = NODE_POLICY.lines.filter(({ major }) => major < NODE_POLICY.activeLts);
const CASES = LOWEST.flatMap(({ major, min }) => TEMPLATE_IDS.map((template) => ({ template, major, min })));

it('starts from the floor of "engines"', () => {
  expect(LOWEST[0]?.min).toBe(NODE_POLICY.floor);
});

describe.each(CASES)('$template on Node $min, the lowest release "engines" admits on line $major', ({ template, min }) => {
  let root: string;
  let project: string;
  let env: Record<string, string>;
  const run = (args: string[]) => execa('npm', args, { cwd: project, env, all: true, reject: false, timeout: 8 * MINUTES });

  beforeAll(async () => {
    env = { PATH: pathWith(await nodeBin(min)) };
    root = await tempDir('loopsvc-floor-');
    project = path.join(root, 'svc');
    const r = await runCli(['svc', '--template', template, '--pm', 'npm', '--no-install', '--no-git'], { cwd: root });
    expect(r.exitCode, r.stderr).toBe(0);
  }, 10 * MINUTES);
  afterAll(async () => {
    await removeDir(root);
  });

  it('runs on that exact Node', async () => {
    const r = await execa('node', ['--version'], { env });
    expect(r.stdout).toBe(`v${min}`);
  });

  it('installs with no engine warning and no install-script warning', async () => {
    const r = await run(['install', '--no-audit', '--no-fund']);
    expect(r.exitCode, r.all).toBe(0);
    expect(r.all).not.toMatch(/EBADENGINE|install-scripts/);
  }, 10 * MINUTES);

  it.each(['build', 'test'])('npm run %s passes', async (script) => {
    const r = await run(['run', script]);
    expect(r.exitCode, r.all).toBe(0);
  }, 10 * MINUTES);
});
