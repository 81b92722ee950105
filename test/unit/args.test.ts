import { describe, expect, it } from 'vitest';
import { parseFlags } from '../../generators/shared/args.js';
import { LoopsvcError } from '../../generators/shared/errors.js';

describe('parseFlags', () => {
  it('reads every documented flag', () => {
    expect(
      parseFlags(['svc', '--template', 'http-fastify', '--name', '@a/b', '--pm', 'pnpm', '--no-install', '--no-git', '--dry-run', '--yes']),
    ).toEqual({
      dir: 'svc',
      template: 'http-fastify',
      name: '@a/b',
      pm: 'pnpm',
      install: false,
      git: false,
      dryRun: true,
      yes: true,
      help: false,
      version: false,
      templateOptions: {},
    });
  });

  it('leaves what was not given undefined, so defaults and prompts can decide', () => {
    expect(parseFlags([])).toMatchObject({ dir: undefined, template: undefined, install: undefined, git: undefined });
  });

  it.each([
    [['--bogus'], /unknown option --bogus/],
    [['--template'], /--template needs a value/],
    [['--pm', 'npx'], /--pm; use one of: npm, pnpm, yarn, bun/],
    [['--install', '--no-install'], /contradict/],
    [['a', 'b'], /one target directory/],
    [['--name', ' '], /--name needs a non-empty value/],
  ])('%j is invalid input', (argv, message) => {
    let caught: unknown;
    try {
      parseFlags(argv);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(LoopsvcError);
    expect((caught as LoopsvcError).exitCode).toBe(2);
    expect((caught as LoopsvcError).message).toMatch(message);
  });
});
