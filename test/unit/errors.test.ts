import { describe, expect, it } from 'vitest';
import { environmentError, printable, terminalText } from '../../generators/shared/errors.js';

describe('environmental errors', () => {
  it.each(['EACCES', 'EPERM', 'EROFS', 'ENOSPC', 'EDQUOT', 'EXDEV', 'ENAMETOOLONG', 'ENOTDIR', 'EISDIR'])('%s is one line naming the path and the fix, exit 1', (code) => {
    const error = environmentError(Object.assign(new Error(`${code}: x`), { code, path: '/srv/app/package.json' }));
    expect(error).toMatchObject({ exitCode: 1, code: `ENV_${code}` });
    expect(error?.message).toMatch(new RegExp(`^cannot write /srv/app/package\\.json: .+; .+ \\(${code}\\); nothing was written$`));
    expect(error?.message).not.toContain('\n');
  });

  it('anything else stays unexpected (reported with its stack by the boundary)', () => {
    expect(environmentError(new TypeError('x'))).toBeUndefined();
    expect(environmentError(Object.assign(new Error('x'), { code: 'ERR_SOMETHING' }))).toBeUndefined();
  });
});

describe('terminal output', () => {
  it('escapes control characters, escape sequences and bidi overrides; keeps line breaks in multi-line output', () => {
    expect(printable('a\u001b[2Jb\u202ec\nd\u0015')).toBe('a\\u{1b}[2Jb\\u{202e}c\\u{a}d\\u{15}');
    expect(terminalText('line one\nline\u001b]0;x\u0007 two\ttab')).toBe('line one\nline\\u{1b}]0;x\\u{7} two\ttab');
  });
});
