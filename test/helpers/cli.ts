import { setTimeout as sleep } from 'node:timers/promises';
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

/** How long a release on the registry may take to show all its packages, and how often to look again. */
const REGISTRY_LAG_MS = 60_000;
const REGISTRY_LAG_TRIES = 2;

/**
 * The built CLI with its npm install, where a release being published on the registry at that
 * moment (a package of it listed, another it pins not yet: npm's ETARGET, as on 2026-12-03 with
 * @opentelemetry/otlp-exporter-base@0.301.2, missing at 10:09 UTC and the latest version at
 * 10:13) is waited out: `npm install --prefer-online` in the project a minute later, at most
 * twice, said on stderr. Any other failure, and a version that stays missing, fails as before.
 */
export async function runCliInstalling(args: readonly string[], options: { cwd: string; project: string; env?: Record<string, string>; timeout?: number }): Promise<CliResult> {
  const result = await runCli(args, options);
  if (result.exitCode === 0 || !/\bETARGET\b/.test(result.stderr) || !/install failed/.test(result.stderr)) return result;
  for (let attempt = 1; attempt <= REGISTRY_LAG_TRIES; attempt += 1) {
    const missing = /No matching version found for (\S+?)\.?$/m.exec(result.stderr)?.[1] ?? 'a package';
    console.warn(`registry: ${missing} not found (a release in progress?); npm install again in ${REGISTRY_LAG_MS / 1000} s, try ${attempt} of ${REGISTRY_LAG_TRIES}`);
    await sleep(REGISTRY_LAG_MS);
    const again = await execa('npm', ['install', '--prefer-online', '--no-audit', '--no-fund'], { cwd: options.project, reject: false, all: true, timeout: options.timeout ?? 60_000 });
    if (again.exitCode === 0) return { exitCode: 0, stdout: result.stdout, stderr: `${result.stderr}\n(installed on try ${attempt} after the registry caught up)` };
    if (!/\bETARGET\b/.test(String(again.all))) return { ...result, stderr: `${result.stderr}\n${String(again.all)}` };
  }
  return result;
}
