import { access, cp, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planProject } from '../../generators/create/service-generator.js';
import { withPackageManagerFiles } from '../../generators/shared/pm-config.js';
import { describeOptions, optionMatrix, TEMPLATE_IDS } from '../../generators/shared/registry.js';
import { templateData } from '../../generators/shared/render.js';
import { SCAFFOLDER_VERSION } from '../../generators/shared/versions.js';
import { withRecord } from '../../generators/update/record.js';
import { CLI, listFiles, REPO_ROOT, removeDir, tempDir } from '../helpers/paths.js';

/**
 * The built CLI renders from its pack (dist/templates.pack, with the build's blob ids), the
 * sources (the snapshot and unit tests) from templates/: every variant of every template, as
 * the CLI writes it, must be byte for byte what the sources render, record included.
 */
const VARIANTS = TEMPLATE_IDS.flatMap((template) => optionMatrix(template).map((options) => ({ template, options })));

describe('the built CLI generates from its templates pack exactly what the sources render', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await tempDir('loopsvc-packgen-');
  });
  afterAll(() => removeDir(dir));

  it.each(VARIANTS.map((v) => [`${v.template} ${describeOptions(v.options)}`, v] as const))('%s', async (label, { template, options }) => {
    const cwd = path.join(dir, label.replaceAll(/[^\w-]+/g, '_'));
    const flags = describeOptions(options) === 'defaults' ? [] : describeOptions(options).split(' ');
    await execa('mkdir', ['-p', cwd]);
    const r = await execa('node', [CLI, 'svc', '--template', template, ...flags, '--pm', 'npm', '--no-install', '--no-git'], { cwd, env: { npm_config_user_agent: '' }, reject: false });
    expect(r.exitCode, r.stderr).toBe(0);
    const answers = { template, options, name: 'svc', pm: 'npm' as const, pmVersion: undefined };
    const expected = withRecord(withPackageManagerFiles(await planProject(templateData(answers)), { pm: 'npm' }), answers, SCAFFOLDER_VERSION);
    const root = path.join(cwd, 'svc');
    expect(await listFiles(root)).toEqual(expected.map((f) => f.path).sort());
    for (const file of expected) expect((await readFile(path.join(root, file.path))).equals(file.contents), file.path).toBe(true);
  });

  it('a damaged pack (a broken install) is one line naming the fix, exit 1, and nothing written', async () => {
    const copy = path.join(dir, 'broken-install');
    await cp(path.join(REPO_ROOT, 'dist'), path.join(copy, 'dist'), { recursive: true });
    await cp(CLI, path.join(copy, 'index.js'));
    await cp(path.join(REPO_ROOT, 'package.json'), path.join(copy, 'package.json'));
    const pack = await readFile(path.join(copy, 'dist', 'templates.pack'));
    await writeFile(path.join(copy, 'dist', 'templates.pack'), pack.subarray(0, pack.length - 1000));
    const r = await execa('node', [path.join(copy, 'index.js'), 'svc', '--template', 'worker', '--no-install', '--no-git'], { cwd: copy, reject: false });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/^error: could not render template worker: .*templates\.pack is damaged \(.+\); reinstall create-loopsvc$/);
    await expect(access(path.join(copy, 'svc'))).rejects.toThrow();
  });
});
