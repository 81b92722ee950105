import path from 'node:path';
import { runAddCommand } from './add-command.js';
import { parseFlags, type Flags } from './args.js';
import { CancelledError, EXIT, LoopsvcError, type ExitCode } from './errors.js';
import { initGit } from './git.js';
import { applyRootEdit, planMonorepo, workspacePackageManager, type MonorepoPlan } from './monorepo.js';
import { helpText } from './help.js';
import { installDependencies } from './install.js';
import { shellQuote } from './names.js';
import { resolveOptions, type Options } from './options.js';
import { nodeVersionNote } from './node-policy.js';
import { packageManagerVersion, pmCommands } from './package-manager.js';
import { describeOptions } from './registry.js';
import { planService } from './plan-service.js';
import { runRulesCommand } from './rules-command.js';
import { checkTarget } from './target.js';
import { SCAFFOLDER_VERSION } from './versions.js';
import { runUpdateCommand } from './update/command.js';
import { withRecord } from './update/record.js';
import { findWorkspace, siblingScope, workspacePackageNames } from './workspace.js';
import { writeProject } from './write.js';

export interface Io {
  argv: readonly string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  interactive: boolean;
  out: (line: string) => void;
  err: (line: string) => void;
}

/** The whole run, top to bottom. Returns the exit code; expected failures throw LoopsvcError. */
export async function main(io: Io): Promise<ExitCode> {
  // `create-loopsvc rules …` adds the loop rules to an existing project instead;
  // `create-loopsvc add <route|command|job> <name>` grows a generated service.
  if (io.argv[0] === 'rules') return runRulesCommand(io.argv.slice(1), io);
  if (io.argv[0] === 'add') return runAddCommand(io.argv.slice(1), io);
  // `create-loopsvc update [dir]` brings a generated service to the current templates.
  if (io.argv[0] === 'update') return runUpdateCommand(io.argv.slice(1), io);

  // 1. parse
  const flags = parseFlags(io.argv);
  if (flags.help) return print(io, helpText());
  if (flags.version) return print(io, SCAFFOLDER_VERSION);

  // 2-5. options, monorepo plan, render, write (the part the plop generator shares)
  const generated = await generate(flags, io);
  if (!generated) return EXIT.ok; // --dry-run
  const { options, mono } = generated;

  // 6. install: in the project, or once at the workspace root (no nested lockfile)
  const installDir = mono ? mono.workspace.root : options.target;
  const install = options.install ? await installDependencies(options.pm, installDir) : undefined;

  // 7. git: never a repository nested in a workspace
  if (mono) io.out(`git: skipped, the service is part of the workspace at ${mono.workspace.root}`);
  else if (!options.git) io.out('git: skipped, --no-git');
  else {
    const git = await initGit(options.target);
    io.out(git.done ? 'git: initialised with a first commit' : `git: skipped, ${git.why}`);
  }

  // 8. next steps
  if (install && !install.ok) {
    io.err(`install failed: ${install.reason}. The project is kept; retry with: cd ${shellQuote(path.relative(io.cwd, installDir) || '.')} && ${install.retry}`);
    return EXIT.failed;
  }
  io.out(nextSteps(options, install?.ok === true, mono && path.relative(io.cwd, mono.workspace.root)));
  return EXIT.ok;
}

/** What `generate` wrote: the options it settled on and, in a monorepo, the workspace plan. */
export interface Generated {
  options: Options;
  mono?: MonorepoPlan;
}

/**
 * Steps 2 to 5 of a run, shared by the CLI and the plop generator: resolve options, plan for a
 * monorepo, render in memory, print the decisions, then write atomically and register the service
 * with its workspace. Returns undefined for --dry-run, which writes nothing.
 */
export async function generate(flags: Flags, io: Omit<Io, 'argv'>): Promise<Generated | undefined> {
  // 2. resolve options (flags, then prompts for what is missing); a monorepo around the cwd
  //    decides where a bare name goes and which scope the package name takes
  const cwdWorkspace = await findWorkspace(io.cwd);
  const scope = cwdWorkspace ? siblingScope(await workspacePackageNames(cwdWorkspace)) : undefined;
  const options = await resolveOptions(flags, { ...io, workspace: cwdWorkspace, scope });
  const state = await checkTarget(options.target, options.dir);

  // 3. monorepo mode: the workspace above the target owns the package manager, install and git
  const workspace = await findWorkspace(path.dirname(options.target));
  const mono = workspace ? await planMonorepo(workspace, options.target) : undefined;
  if (workspace) options.pm = workspacePackageManager(workspace, flags.pm);

  // 4. plan: the whole project rendered in memory (a standalone project gets its package
  //    manager's files, a service in a workspace leaves them to the root), and its record
  const pmVersion = await packageManagerVersion(options.pm, io.env.npm_config_user_agent);
  const answers = { template: options.template, options: options.templateOptions, name: options.name, pm: options.pm, pmVersion };
  const plan = withRecord(await planService(answers, options.target, mono), answers, SCAFFOLDER_VERSION);
  const decisions = [...options.notes, ...(mono?.decisions ?? [])];
  const nodeNote = nodeVersionNote(process.version);
  if (nodeNote) decisions.push(nodeNote);
  if (mono) decisions.push(`package manager: ${options.pm} (the workspace's, from ${mono.workspace.packageManagerFrom}); dependencies install once at the root`);
  for (const decision of decisions) io.out(decision);
  if (options.dryRun) {
    for (const file of plan) io.out(path.join(options.dir, file.path));
    if (mono?.rootEdit) io.out(`${path.relative(io.cwd, mono.rootEdit.file)}: would add ${mono.rootEdit.line}`);
    io.out(`dry run: ${plan.length} files would be written to ${options.dir} (${summary(options)}); nothing was written`);
    return undefined;
  }

  // 5. write, atomically; then register it with the workspace
  await writeProject(plan, options.target, state);
  io.out(`created ${options.dir}: ${summary(options)}, ${plan.length} files`);
  if (mono?.rootEdit) await applyRootEdit(mono.rootEdit);

  return { options, mono };
}

function summary(options: Options): string {
  const chosen = Object.keys(options.templateOptions).length > 0 ? ` ${describeOptions(options.templateOptions)}` : '';
  return `${options.template}${chosen}, package ${options.name}`;
}

/** `root` is the workspace root relative to the cwd, in monorepo mode. */
function nextSteps(options: Options, installed: boolean, root?: string): string {
  const pm = pmCommands(options.pm);
  const steps: string[] = [];
  if (!installed && root === '') steps.push(pm.install.join(' '));
  else if (!installed && root !== undefined) steps.push(`(cd ${shellQuote(root)} && ${pm.install.join(' ')})`);
  steps.push(`cd ${shellQuote(options.dir)}`);
  if (!installed && root === undefined) steps.push(pm.install.join(' '));
  steps.push(`${pm.run} dev`);
  return `\nNext steps:\n${steps.map((s) => `  ${s}`).join('\n')}\n\nThen: ${pm.run} test, ${pm.run} lint, ${pm.run} build && ${pm.run} start`;
}

function print(io: Io, text: string): ExitCode {
  io.out(text.trimEnd());
  return EXIT.ok;
}

/** The one boundary: sorts every error into an exit code and one line (or a stack to report). */
export function exitCodeFor(error: unknown, err: (line: string) => void): ExitCode {
  if (error instanceof CancelledError) {
    err('cancelled');
    return EXIT.cancelled;
  }
  if (error instanceof LoopsvcError) {
    err(`error: ${error.message}`);
    return error.exitCode;
  }
  err(`unexpected error in create-loopsvc ${SCAFFOLDER_VERSION}, please report it with this output:\n${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  return EXIT.failed;
}
