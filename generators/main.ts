import path from 'node:path';
import { parseFlags, type Flags } from './shared/args.js';
import { CancelledError, environmentError, EXIT, LoopsvcError, type ExitCode } from './shared/errors.js';
import { initGit } from './create/git.js';
import type { MonorepoPlan } from './create/monorepo.js';
import { helpText } from './help.js';
import { installDependencies } from './create/install.js';
import type { Io } from './shared/io.js';
import { cdCommand } from './shared/names.js';
import { resolveOptions, type Options } from './create/options.js';
import { nodeVersionNote } from './shared/node-policy.js';
import { isYarnBerry, packageManagerVersion, pmCommands } from './shared/package-manager.js';
import { describeOptions } from './shared/registry.js';
import { planService } from './create/plan-service.js';
import { checkTarget } from './create/target.js';
import { SCAFFOLDER_VERSION } from './shared/versions.js';
import { withRecord } from './update/record.js';
import { findWorkspace, siblingScope, workspacePackageNames } from './shared/workspace.js';
import { applyPlan, checkPlan, type Plan } from './shared/write.js';

/** The whole run, top to bottom. Returns the exit code; expected failures throw LoopsvcError. */
export async function main(io: Io & { argv: readonly string[] }): Promise<ExitCode> {
  // `create-loopsvc rules …` adds the loop rules to an existing project instead;
  // `create-loopsvc add <route|command|job> <name>` grows a generated service.
  // `create-loopsvc update [dir]` brings a generated service to the current templates.
  // (Each loads only when asked for: acorn, for one, is for `rules` alone.)
  if (io.argv[0] === 'rules') return (await import('./rules/command.js')).runRulesCommand(io.argv.slice(1), io);
  if (io.argv[0] === 'add') return (await import('./add/command.js')).runAddCommand(io.argv.slice(1), io);
  if (io.argv[0] === 'update') return (await import('./update/command.js')).runUpdateCommand(io.argv.slice(1), io);

  // 1. parse
  const flags = parseFlags(io.argv);
  if (flags.help) return print(io, helpText());
  if (flags.version) return print(io, SCAFFOLDER_VERSION);

  // 2-6. options, monorepo plan, render, check, write (the part the plop generator shares)
  const generated = await generate(flags, io);
  if (!generated) return EXIT.ok; // --dry-run
  const { options, mono, pmVersion } = generated;

  // 7. install: in the project, or once at the workspace root (no nested lockfile)
  const installDir = mono ? mono.workspace.root : options.target;
  const install = options.install ? await installDependencies(options.pm, installDir, { yarnBerry: isYarnBerry(options.pm, pmVersion) }) : undefined;
  const resume = `${cdCommand(path.relative(io.cwd, installDir) || '.')} && ${install?.ok === false ? install.retry : ''}`;
  if (install && !install.ok && install.signal) {
    io.err(`install interrupted (${install.signal}). The project is kept in ${options.dir}; resume with: ${resume}`);
    throw new CancelledError(install.signal, true);
  }

  // 8. git: never a repository nested in a workspace
  if (mono) io.out(`git: skipped, the service is part of the workspace at ${mono.workspace.root}`);
  else if (!options.git) io.out('git: skipped, --no-git');
  else {
    const git = await initGit(options.target);
    io.out(git.done ? 'git: initialised with a first commit' : `git: skipped, ${git.why}`);
  }

  // 9. next steps
  if (install && !install.ok) {
    io.err(`install failed: ${install.reason}. The project is kept; retry with: ${resume}`);
    return EXIT.failed;
  }
  io.out(nextSteps(options, install?.ok === true, mono && path.relative(io.cwd, mono.workspace.root)));
  return EXIT.ok;
}

/** What `generate` wrote: the options it settled on and, in a monorepo, the workspace plan. */
export interface Generated {
  options: Options;
  mono?: MonorepoPlan;
  /** the package manager's exact version, when it matters (not for npm) */
  pmVersion?: string;
}

/**
 * Steps 2 to 6 of a run, shared by the CLI and the plop generator: resolve options, plan for a
 * monorepo, render in memory, print the decisions, then write atomically and register the service
 * with its workspace. Returns undefined for --dry-run, which writes nothing.
 */
export async function generate(flags: Flags, io: Io): Promise<Generated | undefined> {
  // 2. resolve options (flags, then prompts for what is missing); a monorepo around the cwd
  //    decides where a bare name goes and which scope the package name takes
  const cwdWorkspace = await findWorkspace(io.cwd);
  const scope = cwdWorkspace ? siblingScope(await workspacePackageNames(cwdWorkspace)) : undefined;
  // (io.interactive passed on unread: it is a look at the terminal, for when a question comes)
  const options = await resolveOptions(flags, {
    cwd: io.cwd,
    env: io.env,
    get interactive() {
      return io.interactive;
    },
    workspace: cwdWorkspace,
    scope,
  });
  const notes: string[] = [];
  await checkTarget(options.target, options.dir, { dryRun: options.dryRun, notes });
  for (const note of notes) io.out(note);

  // 3. monorepo mode: the workspace above the target owns the package manager, install and git
  //    (the same walk up as for the cwd when the target is a folder of the cwd, as it mostly is)
  const above = path.dirname(options.target);
  const workspace = above === path.resolve(io.cwd) ? cwdWorkspace : await findWorkspace(above);
  const monorepo = workspace ? await import('./create/monorepo.js') : undefined;
  const mono = workspace && monorepo ? await monorepo.planMonorepo(workspace, options.target) : undefined;
  if (workspace && monorepo) options.pm = monorepo.workspacePackageManager(workspace, flags.pm);

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

  // 5. check the whole plan (every path, the root file of the workspace) before the first byte
  const writes: Plan = {
    root: options.target,
    newRoot: true,
    creates: plan,
    edits: mono?.rootEdit ? [{ path: mono.rootEdit.file, before: mono.rootEdit.before, after: mono.rootEdit.after }] : [],
  };
  const checked = await checkPlan(writes);
  if (options.dryRun) {
    // each file and where it comes from: a layer, the template's folder or an option's overlay;
    // rendered from .hbs or copied verbatim; or written by create-loopsvc itself
    for (const file of plan) io.out(`${path.join(options.dir, file.path)}  ← ${file.origin ?? 'written by create-loopsvc'}`);
    if (mono?.rootEdit) io.out(`${path.relative(io.cwd, mono.rootEdit.file)}: would add ${mono.rootEdit.line}`);
    io.out(`dry run: ${plan.length} files would be written to ${options.dir} (${summary(options)}); nothing was written`);
    return undefined;
  }

  // 6. write the project and register it with the workspace, as one transaction
  await applyPlan(checked);
  io.out(`created ${options.dir}: ${summary(options)}, ${plan.length} files`);
  if (mono?.rootEdit) io.out(`registered in ${mono.rootEdit.file}: ${mono.rootEdit.line}`);

  return { options, mono, pmVersion };
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
  else if (!installed && root !== undefined) steps.push(`(${cdCommand(root)} && ${pm.install.join(' ')})`);
  steps.push(cdCommand(options.dir));
  if (!installed && root === undefined) steps.push(pm.install.join(' '));
  steps.push(`${pm.run} dev`);
  return `\nNext steps:\n${steps.map((s) => `  ${s}`).join('\n')}\n\nThen: ${pm.run} test, ${pm.run} lint, ${pm.run} build && ${pm.run} start`;
}

function print(io: Pick<Io, 'out'>, text: string): ExitCode {
  io.out(text.trimEnd());
  return EXIT.ok;
}

/** The one boundary: sorts every error into an exit code and one line (or a stack to report). */
export function exitCodeFor(error: unknown, err: (line: string) => void): ExitCode {
  if (error instanceof CancelledError) {
    if (!error.quiet) err(error.signal === 'SIGINT' ? 'cancelled' : `stopped by ${error.signal}; what this run had written was removed`);
    return error.exitCode;
  }
  const known = error instanceof LoopsvcError ? error : environmentError(error);
  if (known) {
    err(`error: ${known.message}`);
    return known.exitCode;
  }
  err(`unexpected error in create-loopsvc ${SCAFFOLDER_VERSION}, please report it with this output:\n${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  return EXIT.failed;
}
