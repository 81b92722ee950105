import { describe, expect, it } from 'vitest';
import { detectPackageManager, installCommandLine, isYarnBerry, lockfilePackageManager, pmCommands, versionFromUserAgent } from '../../generators/shared/package-manager.js';

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
    expect(pmCommands('pnpm').run).toBe('pnpm run');
    expect(pmCommands('bun').run).toBe('bun run');
  });

  it('runs scripts with `<pm> run`: a bare `yarn check` is Yarn 1\'s own command, not the script', () => {
    for (const pm of ['npm', 'pnpm', 'yarn', 'bun'] as const) expect(pmCommands(pm).run).toBe(`${pm} run`);
  });

  it.each([
    ['pnpm', 'pnpm/12.23.0 npm/? node/v26.12.1 linux x64', '12.23.0'],
    ['yarn', 'yarn/4.18.1 npm/? node/v26.12.1 linux x64', '4.18.1'],
    ['yarn', 'npm/11.19.1 node/v26.12.1 linux x64', undefined],
    ['npm', undefined, undefined],
  ] as const)('%s version from the user agent %j: %s', (pm, agent, version) => {
    expect(versionFromUserAgent(pm, agent)).toBe(version);
  });

  it('tells Yarn 1 from Yarn 2+', () => {
    expect(isYarnBerry('yarn', '1.22.22')).toBe(false);
    expect(isYarnBerry('yarn', '4.18.1')).toBe(true);
    expect(isYarnBerry('pnpm', '12.0.0')).toBe(false);
  });
});

describe('lockfilePackageManager: the one lockfile check (create, add, rules and update use it)', () => {
  it.each([
    [['package-lock.json'], 'npm', 'package-lock.json'],
    [['pnpm-lock.yaml'], 'pnpm', 'pnpm-lock.yaml'],
    [['yarn.lock'], 'yarn', 'yarn.lock'],
    [['bun.lock'], 'bun', 'bun.lock'],
    [['bun.lockb'], 'bun', 'bun.lockb'],
    // several: the order of LOCKFILES decides (a stale package-lock.json beside the real one)
    [['package-lock.json', 'pnpm-lock.yaml'], 'pnpm', 'pnpm-lock.yaml'],
    [['package-lock.json', 'yarn.lock'], 'yarn', 'yarn.lock'],
  ])('%j -> %s', (entries, pm, from) => {
    expect(lockfilePackageManager(new Set(entries))).toEqual({ pm, from });
  });

  it('none, or only files that merely look like one: undefined', () => {
    expect(lockfilePackageManager(new Set())).toBeUndefined();
    expect(lockfilePackageManager(new Set(['package.json', 'npm-shrinkwrap.json.bak', 'yarn.lock.orig']))).toBeUndefined();
  });
});
