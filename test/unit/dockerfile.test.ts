import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { validate } from 'dockerfile-utils';
import { describe, expect, it } from 'vitest';
import { pmCommands, type PackageManager } from '../../generators/shared/package-manager.js';
import { optionMatrix, TEMPLATE_IDS } from '../../generators/shared/registry.js';
import { templateData } from '../../generators/shared/render.js';
import { planProject } from '../../generators/create/service-generator.js';
import { REPO_ROOT } from '../helpers/paths.js';

type CheckDockerfile = (text: string, where?: string) => string[];
const { checkDockerfile } = (await import(pathToFileURL(path.join(REPO_ROOT, 'templates/_shared/base/scripts/check-loop.mjs')).href)) as { checkDockerfile: CheckDockerfile };

const MANAGERS: Array<{ pm: PackageManager; version: string; install: RegExp; prune: RegExp }> = [
  { pm: 'npm', version: '11.19.1', install: /^RUN npm ci$/m, prune: /^RUN npm prune --omit=dev$/m },
  { pm: 'pnpm', version: '12.23.0', install: /^RUN npx --yes pnpm@12\.23\.0 install --frozen-lockfile$/m, prune: /pnpm@12\.23\.0 install --prod --frozen-lockfile --config\.confirm-modules-purge=false$/m },
  { pm: 'yarn', version: '1.22.22', install: /^RUN npx --yes yarn@1\.22\.22 install --frozen-lockfile$/m, prune: /install --frozen-lockfile --production$/m },
  { pm: 'yarn', version: '4.18.1', install: /cli-dist@4\.18\.1 -- yarn install --immutable$/m, prune: /yarn workspaces focus (@acme\/svc )?--production$/m },
  { pm: 'bun', version: '1.4.5', install: /^RUN npx --yes bun@1\.4\.5 install --frozen-lockfile$/m, prune: /bun@1\.4\.5 install --frozen-lockfile --production$/m },
];

async function dockerfile(template: (typeof TEMPLATE_IDS)[number], options: Record<string, string | boolean>, pm: PackageManager, version: string, workspaceDir?: string) {
  const plan = await planProject(templateData({ name: '@acme/svc', template, options, pm, pmVersion: version, workspaceDir }));
  return plan.find((f) => f.path === 'Dockerfile')?.contents.toString('utf8') ?? '';
}

describe.each(MANAGERS)('Dockerfile for $pm $version', ({ pm, version, install, prune }) => {
  it.each(TEMPLATE_IDS.flatMap((t) => optionMatrix(t).map((o) => ({ t, o }))))('$t $o: standalone, the lockfile in the context', async ({ t, o }) => {
    const text = await dockerfile(t, o, pm, version);
    expect(checkDockerfile(text)).toEqual([]);
    expect(validate(text)).toEqual([]); // the Dockerfile linter of the VS Code Docker language server
    expect(text).toContain(`COPY package.json ${pmCommands(pm).lockfile}`);
    expect(text).toMatch(install);
    expect(text).toMatch(prune);
    expect(text).toContain('# Build: docker build -t svc .');
    expect(text).not.toMatch(/\{\{|\}\}/);
  });

  it.each(TEMPLATE_IDS)('%s: in a workspace, built from the root with the root lockfile', async (t) => {
    const text = await dockerfile(t, optionMatrix(t)[0] ?? {}, pm, version, 'services/svc');
    expect(checkDockerfile(text)).toEqual([]);
    expect(validate(text)).toEqual([]);
    expect(text).toContain('# Build: docker build -f services/svc/Dockerfile -t svc .');
    expect(text).toMatch(/^COPY \. \.\/$/m);
    expect(text).toMatch(install);
    expect(text).toContain('WORKDIR /app/services/svc');
    expect(text).toMatch(prune);
  });
});

it('only services that answer HTTP expose a port and check /live', async () => {
  expect(await dockerfile('http-fastify', {}, 'npm', '11.19.1')).toMatch(/^HEALTHCHECK .*\n.*\/live/m);
  expect(await dockerfile('telegram-grammy', { mode: 'webhook' }, 'npm', '11.19.1')).toContain('EXPOSE 3000');
  for (const [t, o] of [['telegram-grammy', { mode: 'polling', runner: false }], ['worker', { source: 'memory' }]] as const) {
    const text = await dockerfile(t, o, 'npm', '11.19.1');
    expect(text).not.toContain('EXPOSE');
    expect(text).not.toContain('HEALTHCHECK');
  }
});
