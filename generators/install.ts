import { execa } from 'execa';
import { firstLine } from './errors.js';
import { installCommandLine, pmCommands, type PackageManager } from './package-manager.js';

export type InstallResult = { ok: true } | { ok: false; reason: string; retry: string };

/** Runs the package manager in the new project with its output shown. Never throws. */
export async function installDependencies(pm: PackageManager, cwd: string): Promise<InstallResult> {
  const [command, ...args] = pmCommands(pm).install;
  try {
    await execa(command, args, { cwd, stdio: 'inherit' });
    return { ok: true };
  } catch (error) {
    const retry = installCommandLine(pm);
    const code = (error as { code?: string }).code;
    const reason = code === 'ENOENT' ? `${command} is not installed or not on PATH` : firstLine(error);
    return { ok: false, reason, retry };
  }
}
