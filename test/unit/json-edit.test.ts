import { describe, expect, it } from 'vitest';
import { editJson, editJsonMembers, sortedInsertionIndex } from '../../generators/shared/json-edit.js';

describe('a dependency added to package.json', () => {
  it('goes in alphabetical place in a sorted list, and only its line is new', () => {
    const before = '{\r\n\t"name": "x",\r\n\t"devDependencies": {\r\n\t\t"eslint": "^10.0.0",\r\n\t\t"vitest": "^5.0.0"\r\n\t}\r\n}\r\n';
    const after = editJsonMembers(before, [
      [['devDependencies', 'typescript'], '^6.0.0'],
      [['devDependencies', 'eslint-plugin-n'], '^18.0.0'],
      [['devDependencies', 'a-first'], '^1.0.0'],
    ]);
    expect(after).toBe(
      '{\r\n\t"name": "x",\r\n\t"devDependencies": {\r\n\t\t"a-first": "^1.0.0",\r\n\t\t"eslint": "^10.0.0",\r\n\t\t"eslint-plugin-n": "^18.0.0",\r\n\t\t"typescript": "^6.0.0",\r\n\t\t"vitest": "^5.0.0"\r\n\t}\r\n}\r\n',
    );
  });

  it('goes at the end of a list its owner keeps in another order', () => {
    const before = '{\n  "dependencies": {\n    "zod": "^4.0.0",\n    "fastify": "^5.0.0"\n  }\n}\n';
    expect(editJson(before, ['dependencies', 'pino'], '^10.0.0')).toBe('{\n  "dependencies": {\n    "zod": "^4.0.0",\n    "fastify": "^5.0.0",\n    "pino": "^10.0.0"\n  }\n}\n');
  });

  it('stays on the line of a one-line list, in its place', () => {
    const before = '{ "name": "x", "devDependencies": { "eslint": "^10.0.0", "vitest": "^5.0.0" } }\n';
    expect(editJson(before, ['devDependencies', 'typescript'], '^6.0.0')).toBe(
      '{ "name": "x", "devDependencies": { "eslint": "^10.0.0", "typescript": "^6.0.0", "vitest": "^5.0.0" } }\n',
    );
  });

  it('is not reordered anywhere else: other objects still get new members at the end', () => {
    const before = '{\n  "scripts": {\n    "test": "vitest",\n    "build": "tsc"\n  }\n}\n';
    expect(editJson(before, ['scripts', 'lint'], 'eslint .')).toBe('{\n  "scripts": {\n    "test": "vitest",\n    "build": "tsc",\n    "lint": "eslint ."\n  }\n}\n');
  });
});

describe('sortedInsertionIndex', () => {
  it('finds the first key after the new one, scoped names included', () => {
    expect(sortedInsertionIndex(['@fastify/swagger', 'fastify', 'pino'], '@types/node')).toBe(1);
    expect(sortedInsertionIndex(['a', 'b'], 'c')).toBe(2);
    expect(sortedInsertionIndex([], 'a')).toBe(0);
    expect(sortedInsertionIndex(['b', 'a'], 'c')).toBe(2);
  });
});
