import { EXIT } from './shared/errors.js';
import { DEFAULT_DIR } from './create/options.js';
import { PACKAGE_MANAGERS } from './shared/package-manager.js';
import { DEFAULT_TEMPLATE, TEMPLATES, type TemplateDefinition, type TemplateOption } from './shared/registry.js';

/** --help, written from the registry so it cannot drift from what the CLI accepts. */
export function helpText(): string {
  const templates = (TEMPLATES as readonly TemplateDefinition[]).map(templateHelp).join('\n');
  return `Usage: create-loopsvc [dir] [options]
       create-loopsvc add <route|command|job> <name> [--dir <service>] [--dry-run]
                                                grow a generated service (http-fastify, telegram-grammy, worker)
       create-loopsvc rules [dir] [--dry-run]   add the loop rules to an existing project
       create-loopsvc update [dir] [--all] [--dry-run] [--<template option> <value>…]
                                                bring a generated service to the current templates
                                                (update --help for the details)

Scaffold a Node.js service that is correct about the event loop: one loop, async-only I/O,
resources opened at startup and closed at shutdown, signals that drain work and exit cleanly.

Arguments:
  dir                      target directory; must not exist or be empty (--yes: ./${DEFAULT_DIR})

Options:
  -t, --template <id>      template to generate (--yes: ${DEFAULT_TEMPLATE})
      --name <name>        npm package name (default: derived from dir)
      --pm <${PACKAGE_MANAGERS.join('|')}>  package manager (default: the one running create, else npm)
      --install, --no-install  install dependencies (default: install)
      --git, --no-git      git init and first commit, skipped inside a work tree (default: git)
      --dry-run            print the files a real run would write, write nothing
  -y, --yes                take the default for every value that has one, ask nothing
  -h, --help               show this help
  -v, --version            show the version

Without a terminal nothing is asked: pass dir and --template, or --yes.

Templates:
${templates}

Exit codes:
  ${EXIT.ok}    done
  ${EXIT.failed}    failed (environment, or a file that changed while writing: what the run wrote is
       removed; the generated project is kept when only install failed)
  ${EXIT.invalidInput}    invalid input (bad or repeated flag, bad value, non-empty target); nothing was written
  ${EXIT.conflicts}    update: done, with conflicts marked to resolve
  ${EXIT.cancelled}  cancelled (Ctrl-C); nothing was written (during install: the project is kept)
  143, 129  stopped by SIGTERM, SIGHUP while writing; what the run wrote is removed
`;
}

const INDENT = ' '.repeat(18);

function templateHelp(t: TemplateDefinition): string {
  const lines = [`  ${t.id.padEnd(16)}${t.description}`, ...t.guarantees.map((g) => `${INDENT}- ${g}`)];
  for (const option of t.options) lines.push(`${INDENT}${optionUsage(option)}`, `${INDENT}    ${optionDetail(option)}`);
  return lines.join('\n');
}

function optionUsage(option: TemplateOption): string {
  if (option.kind === 'boolean') return `--${option.key}, --no-${option.key}`;
  return `--${option.key} <${(option.choices ?? []).map((c) => c.value).join('|')}>`;
}

function optionDetail(option: TemplateOption): string {
  const fallback = option.kind === 'boolean' ? (option.default ? `--${option.key}` : `--no-${option.key}`) : String(option.default);
  const when = option.when ? `; only with --${option.when.key} ${String(option.when.value)}` : '';
  return `${option.description} (default: ${fallback}${when})`;
}
