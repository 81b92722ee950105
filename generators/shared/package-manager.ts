import { run } from './exec.js';

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
  // npm's version changes nothing it generates (its Dockerfile runs the image's own npm ci), so
  // none is recorded: the same answers give the same files whoever runs create
  if (pm === 'npm') return undefined;
  const fromAgent = versionFromUserAgent(pm, userAgent);
  if (fromAgent) return fromAgent;
  try {
    const probe = run(pm, ['--version'], { cwd: process.cwd(), stdio: 'pipe', packageManager: true });
    const timer = setTimeout(() => probe.child.kill(), 10_000);
    const { stdout } = await probe.done.finally(() => clearTimeout(timer));
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
