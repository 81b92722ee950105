import type { NodePlopAPI } from 'node-plop';
import { KINDS } from './add/kinds.js';
import { runAddCommand } from './add/command.js';
import type { Flags } from './shared/args.js';
import { LoopsvcError } from './shared/errors.js';
import { generate } from './main.js';
import { DEFAULT_DIR } from './create/options.js';
import { runRulesCommand } from './rules/command.js';
import { allOptions, TEMPLATES, type TemplateDefinition } from './shared/registry.js';
import { runUpdateCommand } from './update/command.js';

/**
 * The create-loopsvc generators for the `plop` CLI and `turbo gen`, which load this file (as
 * `create-loopsvc/plopfile`) with their own plop instance. The `service` generator asks the
 * CLI's questions and runs the CLI's own pipeline (options, monorepo plan, render, atomic write),
 * so both produce the same files. It never installs: in a monorepo that is one install at the
 * root, after generating, as the printed decisions say.
 *
 * Prompts are unconditional so plop's positional bypass works (`plop service orders "" worker
 * source=postgres`; `turbo gen run service --args orders "" worker source=postgres`): conditional
 * prompts cannot be bypassed, so the template's options are one line, `key=value` or a bare
 * boolean (`runner`, `no-runner`), or the CLI's own flags.
 */
export default function loopsvcGenerators(plop: NodePlopAPI): void {
  plop.setActionType('loopsvc:service', async (answers) => {
    const lines: string[] = [];
    const io = { cwd: plop.getDestBasePath(), env: process.env, interactive: false, out: (l: string) => lines.push(l), err: (l: string) => lines.push(l) };
    const values = answers as { dir: string; name: string; template: string; options: string };
    await generate(serviceFlags(values), io);
    return lines.join('\n');
  });

  plop.setGenerator('service', {
    description: 'a Node.js service that is correct about the event loop (create-loopsvc)',
    prompts: [
      { type: 'input', name: 'dir', message: 'Target directory (a bare name goes to the workspace services folder)', default: DEFAULT_DIR },
      { type: 'input', name: 'name', message: 'Package name (empty: derived from the directory and the workspace scope)', default: '' },
      {
        type: 'list',
        name: 'template',
        message: 'Template',
        choices: (TEMPLATES as readonly TemplateDefinition[]).map((t) => ({ name: `${t.title}: ${t.description}`, value: t.id })),
      },
      { type: 'input', name: 'options', message: `Template options (empty: defaults), e.g. ${optionsHint()}`, default: '' },
    ],
    actions: [{ type: 'loopsvc:service' }],
  });

  // `create-loopsvc add <kind> <name>`: a route, command or job added to a generated service.
  plop.setActionType('loopsvc:add', async (answers, config) => {
    const lines: string[] = [];
    const io = { cwd: plop.getDestBasePath(), out: (l: string) => lines.push(l), err: (l: string) => lines.push(l) };
    const { dir, name } = answers as { dir: string; name: string };
    await runAddCommand([(config as unknown as { kind: string }).kind, name, '--dir', dir], io);
    return lines.join('\n');
  });
  for (const kind of ['route', 'command', 'job'] as const) {
    plop.setGenerator(kind, {
      description: `add a ${kind} to a ${KINDS[kind].template} service, with its test (create-loopsvc add ${kind})`,
      prompts: [
        { type: 'input', name: 'dir', message: 'Service folder', default: '.' },
        { type: 'input', name: 'name', message: `${kind[0]?.toUpperCase()}${kind.slice(1)} name` },
      ],
      actions: [{ type: 'loopsvc:add', kind } as { type: string }],
    });
  }

  // `create-loopsvc rules` for a package of the monorepo: the loop rules added to existing code.
  plop.setActionType('loopsvc:rules', async (answers) => {
    const lines: string[] = [];
    const io = { cwd: plop.getDestBasePath(), out: (l: string) => lines.push(l), err: (l: string) => lines.push(l) };
    await runRulesCommand([(answers as { dir: string }).dir], io);
    return lines.join('\n');
  });
  plop.setGenerator('rules', {
    description: 'add the event-loop lint rules and dependency check to an existing package (create-loopsvc rules)',
    prompts: [{ type: 'input', name: 'dir', message: 'Package folder', default: '.' }],
    actions: [{ type: 'loopsvc:rules' }],
  });

  // `create-loopsvc update`: a generated service (or, with --all, every one) brought to the current templates.
  plop.setActionType('loopsvc:update', async (answers) => {
    const lines: string[] = [];
    const io = { cwd: plop.getDestBasePath(), out: (l: string) => lines.push(l), err: (l: string) => lines.push(l) };
    const { dir, options } = answers as { dir: string; options: string };
    const target = dir.trim() === '' || dir.trim().startsWith('-') ? optionFlags(dir) : [dir.trim()];
    const code = await runUpdateCommand([...target, ...optionFlags(options)], io);
    // plop has no exit code of its own to give: conflicts to resolve fail the action, with the list
    if (code !== 0) throw new Error(lines.join('\n'));
    return lines.join('\n');
  });
  plop.setGenerator('update', {
    description: 'bring a generated service to the current templates, keeping your changes (create-loopsvc update)',
    prompts: [
      { type: 'input', name: 'dir', message: 'Service folder (--all: every generated service of the workspace)', default: '.' },
      { type: 'input', name: 'options', message: `Flags (empty: none), e.g. dry-run, allow-dirty, ${optionsHint()}`, default: '' },
    ],
    actions: [{ type: 'loopsvc:update' }],
  });
}

function optionsHint(): string {
  return allOptions()
    .map((o) => (o.kind === 'boolean' ? o.key : `${o.key}=${(o.choices ?? []).map((c) => c.value).join('|')}`))
    .join(', ');
}

/** The answers of the `service` generator as the CLI's flags: never installs, never runs git. */
export function serviceFlags(answers: { dir: string; name: string; template: string; options: string }): Flags {
  return {
    dir: answers.dir,
    template: answers.template,
    name: answers.name.trim() === '' ? undefined : answers.name.trim(),
    install: false,
    git: false,
    dryRun: false,
    yes: true,
    help: false,
    version: false,
    templateOptions: templateOptionsFromLine(answers.options),
  };
}

/**
 * `source=postgres runner no-runner` (or the CLI's `--source postgres`, `--runner`) → template
 * options by key. Which template they belong to is checked later, as for the CLI's flags.
 */
export function templateOptionsFromLine(line: string): Record<string, string | boolean> {
  const known = new Map(allOptions().map((o) => [o.key, o]));
  const tokens = line.split(/\s+/).filter(Boolean);
  const values: Record<string, string | boolean> = {};
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!.replace(/^--?/, '');
    const [rawKey, inline] = token.split('=', 2) as [string, string | undefined];
    const negated = rawKey.startsWith('no-') && known.get(rawKey.slice(3))?.kind === 'boolean';
    const key = negated ? rawKey.slice(3) : rawKey;
    const option = known.get(key);
    if (!option) {
      throw new LoopsvcError('INVALID_ARGS', `unknown template option ${JSON.stringify(rawKey)}; use ${optionsHint()}`);
    }
    if (Object.hasOwn(values, key)) throw new LoopsvcError('INVALID_ARGS', `template option ${key} is given more than once; give it once`);
    if (option.kind === 'boolean') values[key] = !negated;
    else {
      const value = inline ?? (tokens[i]!.startsWith('-') ? tokens[++i] : undefined);
      if (value === undefined || value === '') throw new LoopsvcError('INVALID_ARGS', `template option ${key} needs a value, e.g. ${key}=${option.choices?.[0]?.value ?? 'x'}`);
      values[key] = value;
    }
  }
  return values;
}

/**
 * `dry-run allow-dirty mode=webhook` → update's own argv (`--dry-run --allow-dirty --mode
 * webhook`): `update` takes the CLI's flags beyond template options, so they pass as words.
 */
export function optionFlags(line: string): string[] {
  return line
    .split(/\s+/)
    .filter(Boolean)
    .flatMap((token) => {
      if (token.startsWith('-')) return [token];
      const [key, value] = token.split('=', 2);
      return value === undefined ? [`--${key}`] : [`--${key}`, value];
    });
}
