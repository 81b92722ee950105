import { run } from '../shared/exec.js';
import { firstLine, type StopSignal } from '../shared/errors.js';
import { installCommandLine, pmCommands, type PackageManager } from '../shared/package-manager.js';

export type InstallResult = { ok: true } | { ok: false; reason: string; retry: string; signal?: StopSignal };

const STOP_SIGNALS: readonly StopSignal[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * Runs the package manager in the new project with its output shown. Never throws. A signal
 * during the install (Ctrl-C reaches the whole process group; SIGTERM and SIGHUP are passed on)
 * stops the install, not this process: the caller says the project is kept and how to resume.
 */
export async function installDependencies(pm: PackageManager, cwd: string, { yarnBerry = false }: { yarnBerry?: boolean } = {}): Promise<InstallResult> {
  const [command, ...args] = pmCommands(pm).install;
  // This install writes the lockfile (or, in a workspace, adds the new service to it), which
  // pnpm and Yarn 2+ refuse by default in CI (CI=true: frozen or immutable installs). Yarn 2+
  // takes the flag (its environment setting lost under `yarn create`); Yarn 1 has neither.
  if (pm === 'pnpm') args.push('--no-frozen-lockfile');
  if (yarnBerry) args.push('--no-immutable');
  const env = pm === 'yarn' ? { ...process.env, YARN_ENABLE_IMMUTABLE_INSTALLS: 'false' } : undefined;
  const retry = installCommandLine(pm);
  let signal: StopSignal | undefined;
  let running: ReturnType<typeof run> | undefined;
  const onSignal = (s: StopSignal): void => {
    signal ??= s;
    running?.child.kill(s);
  };
  // listening before the spawn: a signal that comes as the package manager starts is ours too
  for (const s of STOP_SIGNALS) process.on(s, onSignal);
  try {
    running = run(command, args, { cwd, stdio: 'inherit', packageManager: true, env });
    const { done } = running;
    await done;
    return signal ? { ok: false, reason: `stopped by ${signal}`, retry, signal } : { ok: true };
  } catch (error) {
    if (signal) return { ok: false, reason: `stopped by ${signal}`, retry, signal };
    const code = (error as { code?: string }).code;
    const reason = code === 'ENOENT' ? `${command} is not installed or not on PATH` : firstLine(error);
    return { ok: false, reason, retry };
  } finally {
    for (const s of STOP_SIGNALS) process.off(s, onSignal);
  }
}
