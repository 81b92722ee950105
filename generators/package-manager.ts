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

/** Lockfiles, in the order they decide when several are present. */
const LOCKFILES: ReadonlyArray<readonly [string, PackageManager]> = [
  ['pnpm-lock.yaml', 'pnpm'],
  ['yarn.lock', 'yarn'],
  ['bun.lock', 'bun'],
  ['bun.lockb', 'bun'],
  ['package-lock.json', 'npm'],
];

/** The one lockfile check: which package manager a folder's lockfile belongs to, and that file. */
export function lockfilePackageManager(entries: ReadonlySet<string>): { pm: PackageManager; from: string } | undefined {
  const found = LOCKFILES.find(([file]) => entries.has(file));
  return found ? { pm: found[1], from: found[0] } : undefined;
}
