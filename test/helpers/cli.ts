import { execa, type Options } from 'execa';
import { CLI } from './paths.js';

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Spawns the built CLI (dist/ via the bin shim) the way a user's shell would, without a TTY. */
export async function runCli(args: readonly string[], options: { cwd: string; env?: Record<string, string>; timeout?: number }): Promise<CliResult> {
  const execaOptions: Options = {
    cwd: options.cwd,
    env: { NO_COLOR: '1', npm_config_user_agent: '', ...options.env },
    reject: false,
    stdin: 'ignore',
    timeout: options.timeout ?? 60_000,
  };
  const result = await execa('node', [CLI, ...args], execaOptions);
  return { exitCode: result.exitCode ?? -1, stdout: String(result.stdout), stderr: String(result.stderr) };
}
