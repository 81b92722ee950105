import { existsSync } from 'node:fs';
import path from 'node:path';

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

export interface PmCommands {
  /** argv that installs dependencies in the project folder */
  install: readonly [string, ...string[]];
  /** what the user types to run a package script, e.g. `pnpm dev` */
  run: string;
}

const COMMANDS: Record<PackageManager, PmCommands> = {
  npm: { install: ['npm', 'install'], run: 'npm run' },
  pnpm: { install: ['pnpm', 'install'], run: 'pnpm' },
  yarn: { install: ['yarn', 'install'], run: 'yarn' },
  bun: { install: ['bun', 'install'], run: 'bun run' },
};

export function pmCommands(pm: PackageManager): PmCommands {
  return COMMANDS[pm];
}

export function installCommandLine(pm: PackageManager): string {
  return COMMANDS[pm].install.join(' ');
}

/** Which package manager a project uses, by its lockfile (npm when there is none). */
export function lockfilePackageManager(dir: string): PackageManager {
  const has = (file: string) => existsSync(path.join(dir, file));
  if (has('pnpm-lock.yaml')) return 'pnpm';
  if (has('yarn.lock')) return 'yarn';
  if (has('bun.lockb') || has('bun.lock')) return 'bun';
  return 'npm';
}
