import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { NodePlopAPI } from 'node-plop';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import loopsvcGenerators, { serviceFlags, templateOptionsFromLine } from '../../generators/plopfile.js';
import { removeDir, tempDir } from '../helpers/paths.js';

describe('the plopfile', () => {
  it('turns the options line into typed template options: key=value, bare booleans, the CLI flags', () => {
    expect(templateOptionsFromLine('source=postgres')).toEqual({ source: 'postgres' });
    expect(templateOptionsFromLine('mode=polling runner')).toEqual({ mode: 'polling', runner: true });
    expect(templateOptionsFromLine('--mode polling --no-runner')).toEqual({ mode: 'polling', runner: false });
    expect(templateOptionsFromLine('')).toEqual({});
    expect(() => templateOptionsFromLine('colour=red')).toThrow(/unknown template option "colour"/);
    expect(() => templateOptionsFromLine('runner no-runner')).toThrow(/runner is given more than once/);
    expect(() => templateOptionsFromLine('mode=')).toThrow(/mode needs a value/);
  });

  it('builds the flags itself (no argv round trip): never installs, never runs git', () => {
    expect(serviceFlags({ dir: 'orders', name: ' ', template: 'worker', options: 'source=memory' })).toEqual({
      dir: 'orders',
      template: 'worker',
      name: undefined,
      install: false,
      git: false,
      dryRun: false,
      yes: true,
      help: false,
      version: false,
      templateOptions: { source: 'memory' },
    });
  });

  describe('the service action', () => {
    let cwd: string;
    beforeEach(async () => {
      cwd = await tempDir();
    });
    afterEach(async () => {
      await removeDir(cwd);
    });

    it('runs generate with the answers', async () => {
      const actions = new Map<string, (answers: unknown, config: unknown) => Promise<string>>();
      const plop = {
        getDestBasePath: () => cwd,
        setActionType: (name: string, fn: (answers: unknown, config: unknown) => Promise<string>) => void actions.set(name, fn),
        setGenerator: () => undefined,
      } as unknown as NodePlopAPI;
      loopsvcGenerators(plop);
      const output = await actions.get('loopsvc:service')!({ dir: 'jobs', name: '', template: 'worker', options: 'source=postgres' }, {});
      expect(output).toContain('created jobs: worker --source postgres --telemetry none, package jobs');
      expect(await readdir(path.join(cwd, 'jobs', 'src'))).toContain('migrate.ts');
    });
  });
});
