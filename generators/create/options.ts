import path from 'node:path';
import type { Flags } from '../shared/args.js';
import { LoopsvcError } from '../shared/errors.js';
import { assertDirName, assertPackageName, packageNameFromDir, packageNameProblem } from '../shared/names.js';
import { detectPackageManager, installCommandLine, type PackageManager } from '../shared/package-manager.js';
import { askDirectory, askInstall, askOption, askPackageName, askTemplate } from './prompts.js';
import {
  DEFAULT_TEMPLATE,
  findTemplate,
  optionApplies,
  TEMPLATE_IDS,
  TEMPLATES,
  templateOptions,
  type OptionValues,
  type TemplateId,
  type TemplateOption,
} from '../shared/registry.js';
import { servicesFolder, type Workspace } from '../shared/workspace.js';

export const DEFAULT_DIR = 'loopsvc-service';

/** Everything a run needs, decided: nothing after this step asks or guesses. */
export interface Options {
  /** as the user gave it, for messages and next steps */
  dir: string;
  /** absolute */
  target: string;
  template: TemplateId;
  /** the template's options, every applicable one decided */
  templateOptions: OptionValues;
  name: string;
  pm: PackageManager;
  install: boolean;
  git: boolean;
  dryRun: boolean;
  /** decisions taken on the user's behalf (location, name), printed before anything is written */
  notes: string[];
}

export interface OptionContext {
  /** read only where a question could be asked (it may be a getter that looks at the terminal) */
  interactive: boolean;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** the monorepo around the cwd, if any: it decides where a bare name goes and the name's scope */
  workspace?: Workspace;
  scope?: string;
}

/**
 * Flags first; prompts only for what is missing and only with a TTY. Without one, --yes takes
 * the documented defaults and a missing required value is an error that names its flag.
 * Values with a derived default (name, package manager, install, git) never need a prompt.
 */
export async function resolveOptions(flags: Flags, ctx: OptionContext): Promise<Options> {
  const notes: string[] = [];
  const template = await resolveTemplate(flags, ctx);
  const chosen = await resolveTemplateOptions(template, flags, ctx);
  const dir = await resolveDir(flags, ctx, notes);
  const name = await resolveName(flags, ctx, dir, notes);
  const pm = flags.pm ?? detectPackageManager(ctx.env.npm_config_user_agent);
  const install = flags.install ?? (!flags.yes && !flags.dryRun && ctx.interactive ? await askInstall(installCommandLine(pm)) : true);
  return {
    dir,
    target: path.resolve(ctx.cwd, dir),
    template,
    templateOptions: chosen,
    name,
    pm,
    install,
    git: flags.git ?? true,
    dryRun: flags.dryRun,
    notes,
  };
}

async function resolveTemplate(flags: Flags, ctx: OptionContext): Promise<TemplateId> {
  if (flags.template !== undefined) {
    const found = findTemplate(flags.template);
    if (!found) {
      throw new LoopsvcError(
        'UNKNOWN_TEMPLATE',
        `unknown template ${JSON.stringify(flags.template)} for --template; valid ids: ${TEMPLATE_IDS.join(', ')}`,
      );
    }
    return found.id as TemplateId;
  }
  if (flags.yes) return DEFAULT_TEMPLATE;
  if (ctx.interactive) return askTemplate(DEFAULT_TEMPLATE);
  throw new LoopsvcError(
    'MISSING_TEMPLATE',
    `no template chosen and no terminal to ask on; pass --template <${TEMPLATE_IDS.join('|')}> (or --yes for ${DEFAULT_TEMPLATE})`,
  );
}

/**
 * Each option of the chosen template: the flag's value (checked), else a prompt, else the
 * default. A flag that belongs to another template, or to a combination not chosen, is an error.
 */
async function resolveTemplateOptions(template: TemplateId, flags: Flags, ctx: OptionContext): Promise<OptionValues> {
  const own = templateOptions(template);
  for (const key of Object.keys(flags.templateOptions)) {
    if (!own.some((o) => o.key === key)) {
      const owners = TEMPLATES.filter((t) => (t.options as readonly TemplateOption[]).some((o) => o.key === key)).map((t) => t.id);
      throw new LoopsvcError('OPTION_NOT_FOR_TEMPLATE', `--${key} is an option of ${owners.join(', ')}, not of ${template}; drop it or pick that template`);
    }
  }
  const values: Record<string, string | boolean> = {};
  for (const option of own) {
    const given = flags.templateOptions[option.key];
    if (!optionApplies(option, values)) {
      if (given !== undefined) {
        throw new LoopsvcError(
          'OPTION_NOT_APPLICABLE',
          `--${option.key} applies only with --${option.when?.key} ${String(option.when?.value)}; drop it or change --${option.when?.key}`,
        );
      }
      continue;
    }
    if (given !== undefined) values[option.key] = checkOptionValue(option, given);
    else if (!flags.yes && ctx.interactive) values[option.key] = await askOption(option);
    else values[option.key] = option.default;
  }
  return values;
}

function checkOptionValue(option: TemplateOption, value: string | boolean): string | boolean {
  if (option.kind === 'boolean' || option.choices?.some((c) => c.value === value)) return value;
  throw new LoopsvcError(
    'INVALID_OPTION',
    `invalid value ${JSON.stringify(value)} for --${option.key}; use one of: ${(option.choices ?? []).map((c) => c.value).join(', ')}`,
  );
}

async function resolveDir(flags: Flags, ctx: OptionContext, notes: string[]): Promise<string> {
  if (flags.dir !== undefined) {
    if (flags.dir.trim() === '') throw new LoopsvcError('INVALID_DIR', 'the target directory is empty; pass a directory name as the first argument');
    return placeInWorkspace(assertDirName(flags.dir), ctx, notes);
  }
  if (flags.yes) return placeInWorkspace(DEFAULT_DIR, ctx, notes);
  if (ctx.interactive) return askDirectory(placeInWorkspace(DEFAULT_DIR, ctx, []));
  throw new LoopsvcError(
    'MISSING_DIR',
    `no target directory and no terminal to ask on; pass it as the first argument, e.g. create-loopsvc my-service (or --yes for ./${DEFAULT_DIR})`,
  );
}

/**
 * At a monorepo's root, a bare name (`orders`) goes into the workspace's folder for services
 * (`services/` or `apps/`, whichever its globs use; `services/` otherwise). A path is kept as given.
 */
function placeInWorkspace(dir: string, ctx: OptionContext, notes: string[]): string {
  const ws = ctx.workspace;
  if (!ws || path.resolve(ctx.cwd) !== ws.root || /[\\/]/.test(dir) || dir === '.' || dir === '..') return dir;
  const folder = servicesFolder(ws.globs) ?? 'services';
  const placed = `${folder}/${dir}`;
  notes.push(`location: ${placed} (the workspace's folder for services; pass ./${dir} to keep it at the root)`);
  return placed;
}

async function resolveName(flags: Flags, ctx: OptionContext, dir: string, notes: string[]): Promise<string> {
  if (flags.name !== undefined) return assertPackageName(flags.name);
  const bare = packageNameFromDir(path.resolve(ctx.cwd, dir));
  const derived = ctx.scope && bare ? `${ctx.scope}/${bare}` : bare;
  if (ctx.scope && bare) notes.push(`name: ${derived} (the scope of the workspace's packages; pass --name to choose)`);
  if (!flags.yes && ctx.interactive) return askPackageName(derived);
  const problem = packageNameProblem(derived);
  if (problem) {
    throw new LoopsvcError(
      'INVALID_NAME',
      `cannot derive a package name from ${JSON.stringify(dir)}${derived ? ` (${JSON.stringify(derived)}: ${problem})` : ''}; pass --name with a lowercase npm name such as "my-service"`,
    );
  }
  return derived;
}
