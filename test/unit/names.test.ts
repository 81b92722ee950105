import { describe, expect, it } from 'vitest';
import { LoopsvcError } from '../../generators/shared/errors.js';
import { assertPackageName, cdCommand, dirNameProblem, packageNameFromDir, packageNameProblem, pathNameProblem, shellQuote } from '../../generators/shared/names.js';

describe('package names', () => {
  it.each(['my-service', '@acme/orders', 'svc.v2'])('accepts %s', (name) => {
    expect(packageNameProblem(name)).toBeUndefined();
  });

  // Hostile inputs: every one is rejected with a message that names --name, never rewritten.
  it.each([
    'My-Service',
    'a~b',
    'has space',
    'quote"d',
    "it's",
    'back`tick',
    '${x}',
    '{{name}}',
    'a&b',
    '<script>',
    'café',
    'сервис',
    '.hidden',
    '_under',
    'node_modules',
    'http',
    'a'.repeat(215),
    '',
  ])('rejects %j with a fix', (name) => {
    expect(packageNameProblem(name)).toBeTypeOf('string');
    expect(() => assertPackageName(name)).toThrowError(LoopsvcError);
    expect(() => assertPackageName(name)).toThrowError(/--name/);
  });

  it('one line per error', () => {
    try {
      assertPackageName('Bad Name');
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).not.toContain('\n');
      expect((error as Error).message).toContain('"Bad Name"');
    }
  });
});

describe('packageNameFromDir', () => {
  it.each([
    ['my-service', 'my-service'],
    ['/abs/path/Orders API', 'orders-api'],
    ['Café Crème', 'cafe-creme'],
    ['my "svc" & <co>', 'my-svc-co'],
    ['.dotted', 'dotted'],
    ['${evil}`', 'evil'],
  ])('%j → %s', (dir, expected) => {
    expect(packageNameFromDir(dir)).toBe(expected);
    expect(packageNameProblem(packageNameFromDir(dir))).toBeUndefined();
  });

  it('suggests nothing rather than an unrelated name when no letter survives', () => {
    expect(packageNameFromDir('сервис')).toBe('');
    expect(packageNameProblem('')).toBeTypeOf('string');
  });
});

describe('shellQuote', () => {
  it('leaves plain paths alone', () => {
    expect(shellQuote('apps/my-svc')).toBe('apps/my-svc');
  });
  it("single-quotes the rest and escapes '", () => {
    expect(shellQuote(`my "svc" & it's`)).toBe(`'my "svc" & it'\\''s'`);
    expect(shellQuote('$(rm -rf ~)')).toBe(`'$(rm -rf ~)'`);
  });
});

describe('directory names', () => {
  it.each(['\u0015svc', 'svc\n', 'a\rb', 'x\u001b[31m', 'evil\u202etxt.exe', 'a\u2066b', 'tab\there', 'del\u007f'])('refuses %j (the prompt uses the same check)', (dir) => {
    expect(dirNameProblem(dir)).toMatch(/control character, line break or bidirectional override/);
  });

  it('accepts ordinary names, Unicode included, up to 255 bytes per segment', () => {
    expect(dirNameProblem('services/orders')).toBeUndefined();
    expect(dirNameProblem('сервис')).toBeUndefined();
    expect(pathNameProblem('a'.repeat(255))).toBeUndefined();
    expect(pathNameProblem('é'.repeat(128))).toMatch(/256 bytes long/);
  });

  it('cd to a folder that starts with a dash is never read as an option', () => {
    expect(cdCommand('-x')).toBe('cd ./-x');
    expect(cdCommand('my app')).toBe("cd 'my app'");
    expect(cdCommand('svc')).toBe('cd svc');
  });
});
