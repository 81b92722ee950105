import { existsSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';

export const PACKAGE_MANAGERS = ['npm', 'pnpm', 'yarn', 'bun'] as const;
export type PackageManager = (typeof PACKAGE_MANAGERS)[number];

export function isPackageManager(value: string): value is PackageManager {
  return (PACKAGE_MANAGERS as readonly string[]).includes(value);
}

/**
 * The package manager that ran us, from `npm_config_user_agent` ("pnpm/9.1.0 npm/? node/v20…"),
 * which npm, pnpm, yarn and bun all set for `create` commands. Unknown agents fall back to npm.
 */
export function detectPackageManager(userAgent: string | undefined): PackageManager {
  const name = userAgent?.split(' ')[0]?.split('/')[0] ?? '';
  return isPackageManager(name) ? name : 'npm';
}

/** `12.23.0` from `pnpm/12.23.0 npm/? node/v26…` when the agent is `pm`; undefined otherwise. */
export function versionFromUserAgent(pm: PackageManager, userAgent: string | undefined): string | undefined {
  const [name, version] = userAgent?.split(' ')[0]?.split('/') ?? [];
  return name === pm && version !== undefined && /^\d+\.\d+\.\d+/.test(version) ? version : undefined;
}

/**
 * The exact version of `pm` the project will be installed with: the one running `create`, else
 * what `<pm> --version` answers (a `--pm` other than the running one), else undefined (not
 * installed: the install step then says so).
 */
export async function packageManagerVersion(pm: PackageManager, userAgent: string | undefined): Promise<string | undefined> {
  const fromAgent = versionFromUserAgent(pm, userAgent);
  if (fromAgent) return fromAgent;
  try {
    const { stdout } = await execa(pm, ['--version'], { timeout: 10_000 });
    const version = stdout.trim();
    return /^\d+\.\d+\.\d+$/.test(version) ? version : undefined;
  } catch {
    return undefined;
  }
}

export interface PmCommands {
  /** argv that installs dependencies in the project folder */
  install: readonly [string, ...string[]];
  /**
   * what the user types to run a package script, e.g. `pnpm run check`. Always `<pm> run`: a bare
   * `yarn check` runs Yarn 1's built-in command instead of the script.
   */
  run: string;
  /** the lockfile its install writes, which a project commits */
  lockfile: string;
}

const COMMANDS: Record<PackageManager, PmCommands> = {
  npm: { install: ['npm', 'install'], run: 'npm run', lockfile: 'package-lock.json' },
  pnpm: { install: ['pnpm', 'install'], run: 'pnpm run', lockfile: 'pnpm-lock.yaml' },
  yarn: { install: ['yarn', 'install'], run: 'yarn run', lockfile: 'yarn.lock' },
  bun: { install: ['bun', 'install'], run: 'bun run', lockfile: 'bun.lock' },
};

export function pmCommands(pm: PackageManager): PmCommands {
  return COMMANDS[pm];
}

export function installCommandLine(pm: PackageManager): string {
  return COMMANDS[pm].install.join(' ');
}

/** Yarn 2+ (berry) differs from Yarn 1 in its flags, its Plug'n'Play default and what it writes. */
export function isYarnBerry(pm: PackageManager, version: string | undefined): boolean {
  return pm === 'yarn' && version !== undefined && Number(version.split('.')[0]) >= 2;
}

/** Which package manager a project uses, by its lockfile (npm when there is none). */
export function lockfilePackageManager(dir: string): PackageManager {
  const has = (file: string) => existsSync(path.join(dir, file));
  if (has('pnpm-lock.yaml')) return 'pnpm';
  if (has('yarn.lock')) return 'yarn';
  if (has('bun.lockb') || has('bun.lock')) return 'bun';
  return 'npm';
}
