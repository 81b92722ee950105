import { describe, expect, it } from 'vitest';
import { detectPackageManager, installCommandLine, pmCommands } from '../../generators/package-manager.js';

describe('package manager', () => {
  it.each([
    ['pnpm/9.12.0 npm/? node/v20.19.0 linux x64', 'pnpm'],
    ['yarn/1.22.22 npm/? node/v20.19.0 linux x64', 'yarn'],
    ['bun/1.1.0 npm/? node/v20.19.0 linux x64', 'bun'],
    ['npm/11.0.0 node/v20.19.0 linux x64 workspaces/false', 'npm'],
    ['deno/2.0', 'npm'],
    ['', 'npm'],
    [undefined, 'npm'],
  ])('user agent %j → %s', (agent, pm) => {
    expect(detectPackageManager(agent)).toBe(pm);
  });

  it('commands follow the package manager', () => {
    expect(installCommandLine('yarn')).toBe('yarn install');
    expect(pmCommands('pnpm').run).toBe('pnpm');
    expect(pmCommands('bun').run).toBe('bun run');
  });
});
