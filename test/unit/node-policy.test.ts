import { readFile } from 'node:fs/promises';
import path from 'node:path';
import satisfies from 'semver/functions/satisfies.js';
import { describe, expect, it } from 'vitest';
import { NODE_ENGINES, NODE_POLICY, NODE_SUPPORTED_TEXT, nodeVersionNote, runsGeneratedProject } from '../../generators/shared/node-policy.js';
import { optionMatrix, TEMPLATE_IDS } from '../../generators/shared/registry.js';
import { templateData } from '../../generators/shared/render.js';
import { planProject } from '../../generators/create/service-generator.js';
import { versionOf } from '../../generators/shared/versions.js';
import { REPO_ROOT as REPO } from '../helpers/paths.js';

describe('the Node policy', () => {
  it('admits the floor of the oldest LTS line and every later LTS line, never an odd line or Node 20', () => {
    expect(NODE_ENGINES).toBe('^22.22.2 || ^24.15.0 || >=26.0.0');
    for (const ok of ['22.22.2', '22.23.5', '24.15.0', '24.22.3', '26.12.1', '28.1.0']) expect(runsGeneratedProject(ok), ok).toBe(true);
    for (const no of ['v20.20.2', '22.19.0', '24.14.0', '23.11.0', '25.2.0', '21.7.3']) expect(runsGeneratedProject(no), no).toBe(false);
  });

  it('answers what semver answers for the engines range, without loading semver (every run asks)', () => {
    const versions = ['v22.22.2', '26.0.0-pre', 'v27.0.0-nightly20261201abc', '26.1.0+build.5', ' 24.15.1 ', '22.22', 'x', '', '01.2.3'];
    for (const major of [18, 20, 21, 22, 23, 24, 25, 26, 27, 30, 100]) {
      for (const minor of [0, 14, 15, 16, 22, 23]) for (const patch of [0, 1, 2, 3]) versions.push(`${major}.${minor}.${patch}`);
    }
    for (const version of versions) expect(runsGeneratedProject(version), JSON.stringify(version)).toBe(satisfies(version.trim().replace(/^v/, ''), NODE_ENGINES));
  });

  it('is what every generated variant declares, types against and runs on', async () => {
    for (const template of TEMPLATE_IDS) {
      for (const options of optionMatrix(template)) {
        const plan = await planProject(templateData({ name: 'svc', template, options, pm: 'npm' }));
        const file = (p: string) => plan.find((f) => f.path === p)?.contents.toString('utf8') ?? '';
        const pkg = JSON.parse(file('package.json')) as { engines: { node: string }; devDependencies: Record<string, string> };
        expect(pkg.engines.node, template).toBe(NODE_ENGINES);
        expect(pkg.devDependencies['@types/node'], template).toMatch(new RegExp(`^\\^${NODE_POLICY.typesMajor}\\.`));
        expect(file('.nvmrc')).toBe(`${NODE_POLICY.activeLts}\n`);
        expect(file('Dockerfile')).toContain(`FROM node:${NODE_POLICY.activeLts}-slim AS runtime`);
        expect(file('README.md'), `${template} README`).toContain(NODE_SUPPORTED_TEXT);
      }
    }
  });

  it('matches the one version source: @types/node follows the oldest line', () => {
    expect(versionOf('@types/node')).toMatch(new RegExp(`^\\^${NODE_POLICY.typesMajor}\\.`));
  });

  it('is the one stated in this repository README', async () => {
    const readme = await readFile(path.join(REPO, 'README.md'), 'utf8');
    expect(readme).toContain(NODE_ENGINES);
    expect(readme).toContain(`Node ${NODE_POLICY.activeLts}`);
  });

  it('tells a user on an older Node what the generated project needs, in one line with the fix', () => {
    expect(nodeVersionNote('v26.12.1')).toBeUndefined();
    const note = nodeVersionNote('v20.20.2') ?? '';
    expect(note).toContain(NODE_ENGINES);
    expect(note).toContain('v20.20.2');
    expect(note).toContain(`install Node ${NODE_POLICY.activeLts}`);
    expect(note).not.toContain('\n');
  });
});
