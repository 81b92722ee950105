import { LoopsvcError } from './errors.js';
import { isPackageManager, PACKAGE_MANAGERS, type PackageManager } from './package-manager.js';
import { allOptions } from './registry.js';

// node:util from process.getBuiltinModule, not `import` (in the sources too, which the tests run):
// an ES import of a built-in builds its namespace from every export and so runs node:util's lazy
// getters, which load its diff, colors and worker_threads modules (about 3 ms of every run) for a
// command line that needs parseArgs alone.
const { parseArgs } = process.getBuiltinModule('node:util');

/** What the command line said, before defaults, prompts or validation against the registry. */
export interface Flags {
  dir?: string;
  template?: string;
  name?: string;
  pm?: PackageManager;
  install?: boolean;
  git?: boolean;
  dryRun: boolean;
  yes: boolean;
  help: boolean;
  version: boolean;
  /** template options given on the command line, by key; validated against the template later */
  templateOptions: Record<string, string | boolean>;
}

export const BUILT_IN_FLAGS = {
  template: { type: 'string', short: 't' },
  name: { type: 'string' },
  pm: { type: 'string' },
  install: { type: 'boolean' },
  'no-install': { type: 'boolean' },
  git: { type: 'boolean' },
  'no-git': { type: 'boolean' },
  'dry-run': { type: 'boolean' },
  yes: { type: 'boolean', short: 'y' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;

export type ParseOptions = Record<string, { type: 'string' | 'boolean'; short?: string }>;

/** Built-in flags plus `--<key>` (and `--no-<key>` for booleans) for every template option. */
function parseOptions(): ParseOptions {
  const options: ParseOptions = { ...BUILT_IN_FLAGS };
  for (const option of allOptions()) {
    options[option.key] = { type: option.kind === 'boolean' ? 'boolean' : 'string' };
    if (option.kind === 'boolean') options[`no-${option.key}`] = { type: 'boolean' };
  }
  return options;
}

/**
 * parseArgs, strict, for every command: an unknown option or a missing value is one line ending in
 * `usage`, and so is a flag given twice (parseArgs keeps the last one silently, which would let
 * `--template worker … --template http-fastify` generate something the user did not mean).
 */
export function parseCommandLine<T extends ParseOptions>(argv: readonly string[], options: T, usage: string) {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true, tokens: true } as const);
  } catch (error) {
    throw new LoopsvcError('INVALID_ARGS', `${describeParseError(error)}; ${usage}`);
  }
  const seen = new Set<string>();
  for (const token of parsed.tokens) {
    if (token.kind !== 'option') continue;
    if (seen.has(token.name)) throw new LoopsvcError('INVALID_ARGS', `--${token.name} is given more than once; pass it once (${usage})`);
    seen.add(token.name);
  }
  return parsed;
}

export function parseFlags(argv: readonly string[]): Flags {
  const parsed = parseCommandLine(argv, parseOptions(), 'run create-loopsvc --help for the usage');
  const { positionals } = parsed;
  const values = parsed.values as Record<string, string | boolean | undefined>;
  if (positionals.length > 1) {
    throw new LoopsvcError(
      'INVALID_ARGS',
      `expected one target directory, got ${positionals.length} (${positionals.map((p) => JSON.stringify(p)).join(', ')}); quote a path that contains spaces`,
    );
  }
  return {
    dir: positionals[0],
    template: nonEmpty(str(values.template), '--template'),
    name: nonEmpty(str(values.name), '--name'),
    pm: packageManagerFlag(str(values.pm)),
    install: pairedBoolean(values.install, values['no-install'], 'install'),
    git: pairedBoolean(values.git, values['no-git'], 'git'),
    dryRun: values['dry-run'] === true,
    yes: values.yes === true,
    help: values.help === true,
    version: values.version === true,
    templateOptions: templateOptionFlags(values),
  };
}

export function templateOptionFlags(values: Record<string, string | boolean | undefined>): Record<string, string | boolean> {
  const given: Record<string, string | boolean> = {};
  for (const option of allOptions()) {
    const value =
      option.kind === 'boolean'
        ? pairedBoolean(values[option.key], values[`no-${option.key}`], option.key)
        : nonEmpty(str(values[option.key]), `--${option.key}`);
    if (value !== undefined) given[option.key] = value;
  }
  return given;
}

function str(value: string | boolean | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function describeParseError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const unknown = /Unknown option '([^']+)'/.exec(message);
  if (unknown) return `unknown option ${unknown[1]}`;
  const missingValue = /Option '(?:-\w, )?(--[\w-]+) <value>' argument missing/.exec(message);
  if (missingValue) return `option ${missingValue[1]} needs a value`;
  return message.split('\n')[0] ?? message;
}

function nonEmpty(value: string | undefined, flag: string): string | undefined {
  if (value === undefined) return undefined;
  if (value.trim() === '') throw new LoopsvcError('INVALID_ARGS', `${flag} needs a non-empty value`);
  return value;
}

function packageManagerFlag(value: string | undefined): PackageManager | undefined {
  if (value === undefined) return undefined;
  if (!isPackageManager(value)) {
    throw new LoopsvcError(
      'INVALID_PM',
      `unknown package manager ${JSON.stringify(value)} for --pm; use one of: ${PACKAGE_MANAGERS.join(', ')}`,
    );
  }
  return value;
}

function pairedBoolean(yes: string | boolean | undefined, no: string | boolean | undefined, flag: string): boolean | undefined {
  if (yes && no) throw new LoopsvcError('INVALID_ARGS', `--${flag} and --no-${flag} contradict each other; pass one`);
  if (yes) return true;
  if (no) return false;
  return undefined;
}
