import { describe, expect, it } from 'vitest';
import { mergeEslintConfig } from '../../generators/rules/eslint-config-merge.js';
import { lineDiff } from '../../generators/rules/line-diff.js';

const request = { importFrom: './eslint/loop-rules/index.mjs', callArguments: '{ tsconfigRootDir: import.meta.dirname }' };
const IMPORT = "import loopRules from './eslint/loop-rules/index.mjs';";
const SPREAD = '...loopRules({ tsconfigRootDir: import.meta.dirname })';

function merged(source: string): string {
  const outcome = mergeEslintConfig(source, request);
  if (outcome.kind !== 'merged') throw new Error(`expected a merge, got ${JSON.stringify(outcome)}`);
  return outcome.contents;
}

/** Only added lines, plus at most one line that gained a trailing comma. */
function expectOnlyAdditions(before: string, after: string, addedLines: number, commaLines = 0): void {
  const changes = lineDiff(before, after);
  const removed = changes.filter((c) => c.kind === '-');
  expect(removed).toHaveLength(commaLines);
  for (const r of removed) expect(changes.some((c) => c.kind === '+' && c.text === `${r.text},`)).toBe(true);
  expect(changes.filter((c) => c.kind === '+')).toHaveLength(addedLines + commaLines);
}

describe('mergeEslintConfig', () => {
  it('array literal with a trailing comma: one import line, one element line', () => {
    const before = "import js from '@eslint/js';\n\nexport default [\n  js.configs.recommended,\n  { rules: { semi: 'error' } }, // mine\n];\n";
    const after = merged(before);
    expect(after).toBe(
      `import js from '@eslint/js';\n${IMPORT}\n\nexport default [\n  js.configs.recommended,\n  { rules: { semi: 'error' } }, // mine\n  ${SPREAD},\n];\n`,
    );
    expectOnlyAdditions(before, after, 2);
  });

  it('array literal without a trailing comma adds one to the last element', () => {
    const before = "export default [\n  {\n    files: ['**/*.js'],\n  }\n];\n";
    const after = merged(before);
    expect(after).toBe(`${IMPORT}\nexport default [\n  {\n    files: ['**/*.js'],\n  },\n  ${SPREAD}\n];\n`);
    expectOnlyAdditions(before, after, 2, 1);
  });

  it('single-line and empty arrays stay single-line', () => {
    expect(merged('export default [a, b];\n')).toBe(`${IMPORT}\nexport default [a, b, ${SPREAD}];\n`);
    expect(merged('export default [];\n')).toBe(`${IMPORT}\nexport default [${SPREAD}];\n`);
  });

  it('defineConfig(...) and tseslint.config(...) calls', () => {
    const define = "import { defineConfig } from 'eslint/config';\nexport default defineConfig(\n  { ignores: ['dist/'] },\n);\n";
    expect(merged(define)).toBe(`import { defineConfig } from 'eslint/config';\n${IMPORT}\nexport default defineConfig(\n  { ignores: ['dist/'] },\n  ${SPREAD},\n);\n`);
    const ts = "import tseslint from 'typescript-eslint';\nexport default tseslint.config(tseslint.configs.recommended);\n";
    expect(merged(ts)).toBe(`import tseslint from 'typescript-eslint';\n${IMPORT}\nexport default tseslint.config(tseslint.configs.recommended, ${SPREAD});\n`);
    expect(merged("import { defineConfig } from 'eslint/config';\nexport default defineConfig();\n")).toContain(`defineConfig(${SPREAD})`);
  });

  it('follows an exported const, and picks a free local name', () => {
    const before = "const loopRules = 1;\nconst config = [\n  { rules: {} },\n];\nexport default config;\n";
    const after = merged(before);
    expect(after).toContain("import loopsvcRules from './eslint/loop-rules/index.mjs';");
    expect(after).toContain('  ...loopsvcRules({ tsconfigRootDir: import.meta.dirname }),\n];');
  });

  it('recognises a config that already has the rules', () => {
    expect(mergeEslintConfig(`${IMPORT}\nexport default [${SPREAD}];\n`, request)).toEqual({ kind: 'already', localName: 'loopRules' });
  });

  it.each([
    ['CommonJS', "module.exports = [{ rules: {} }];\n", 'CommonJS'],
    ['a call with spread arguments', 'export default makeConfig(...parts);\n', 'spread arguments'],
    ['CommonJS awaiting a factory', { commonjs: true, source: 'module.exports = makeConfig();\n' }, 'cannot do at top level'],
    ['a conditional', 'export default strict ? a : b;\n', 'computed value (ConditionalExpression)'],
    ['no default export', 'export const config = [];\n', 'no `export default`'],
    ['TypeScript-only syntax', "import type { Linter } from 'eslint';\nexport default [] satisfies Linter.Config[];\n", 'cannot be parsed'],
  ])('refuses %s', (_title, input, reason) => {
    const { source, commonjs } = typeof input === 'string' ? { source: input, commonjs: false } : input;
    const outcome = mergeEslintConfig(source, { ...request, commonjs });
    expect(outcome.kind).toBe('cannot');
    expect(outcome.kind === 'cannot' && outcome.reason).toContain(reason);
  });

  // One fixture per config shape met in real repositories (issue 11), written here.
  it('antfu(options, ...configs): the loop rules become one more user config', () => {
    const before = "import antfu from '@antfu/eslint-config'\n\nexport default antfu({\n  typescript: true,\n})\n";
    const after = merged(before);
    expect(after).toBe(
      "import antfu from '@antfu/eslint-config'\nimport loopRules from './eslint/loop-rules/index.mjs'\n\nexport default antfu({\n  typescript: true,\n}, ...loopRules({ tsconfigRootDir: import.meta.dirname }))\n",
    );
  });

  it('any other factory call: its result is awaited and spread', () => {
    const before = "import company from '@acme/eslint-config';\n\nexport default company({ node: true });\n";
    expect(merged(before)).toBe(
      `import company from '@acme/eslint-config';\n${IMPORT}\n\nexport default [...(await company({ node: true })), ${SPREAD}];\n`,
    );
  });

  it('export { config as default }', () => {
    const before = "const config = [\n  { rules: {} },\n];\n\nexport { config as default };\n";
    expect(merged(before)).toBe(`${IMPORT}\nconst config = [\n  { rules: {} },\n  ${SPREAD},\n];\n\nexport { config as default };\n`);
  });

  it('follows the file style: no semicolons, double quotes, no trailing commas', () => {
    const before = 'import js from "@eslint/js"\n\nexport default [\n  js.configs.recommended,\n  { rules: { semi: ["error", "never"], "comma-dangle": ["error", "never"] } }\n]\n';
    const after = merged(before);
    expect(after).toBe(
      'import js from "@eslint/js"\nimport loopRules from "./eslint/loop-rules/index.mjs"\n\nexport default [\n  js.configs.recommended,\n  { rules: { semi: ["error", "never"], "comma-dangle": ["error", "never"] } },\n  ...loopRules({ tsconfigRootDir: import.meta.dirname })\n]\n',
    );
  });

  it('CommonJS (.cjs): a require() line and __dirname', () => {
    const before = "const js = require('@eslint/js');\n\nmodule.exports = [\n  js.configs.recommended,\n];\n";
    const outcome = mergeEslintConfig(before, { ...request, commonjs: true });
    expect(outcome.kind === 'merged' && outcome.contents).toBe(
      "const js = require('@eslint/js');\nconst loopRules = require('./eslint/loop-rules/index.mjs').default;\n\nmodule.exports = [\n  js.configs.recommended,\n  ...loopRules({ tsconfigRootDir: __dirname }),\n];\n",
    );
    expect(mergeEslintConfig(outcome.kind === 'merged' ? outcome.contents : '', { ...request, commonjs: true }).kind).toBe('already');
  });
});

describe('mergeEslintConfig keeps the file\'s own bytes', () => {
  it('CRLF stays CRLF: every line it adds ends in CRLF, none is split', () => {
    const before = "import js from '@eslint/js';\r\n\r\nexport default [\r\n  js.configs.recommended,\r\n];\r\n";
    const after = merged(before);
    expect(after).toBe(`import js from '@eslint/js';\r\n${IMPORT}\r\n\r\nexport default [\r\n  js.configs.recommended,\r\n  ${SPREAD},\r\n];\r\n`);
    expect(after.replaceAll('\r\n', '')).not.toMatch(/[\r\n]/);
  });

  it('a byte order mark stays the first byte', () => {
    const after = merged("\uFEFFimport js from '@eslint/js';\nexport default [js.configs.recommended];\n");
    expect(after.startsWith(`\uFEFFimport js from '@eslint/js';\n${IMPORT}\n`)).toBe(true);
    expect(after.indexOf('\uFEFF', 1)).toBe(-1);
  });

  it('a trailing comment on the last element stays on its line', () => {
    const before = "export default [\n  { rules: {} } // mine\n];\n";
    // no trailing comma added where the list had none (the host's comma style)
    expect(merged(before)).toBe(`${IMPORT}\nexport default [\n  { rules: {} }, // mine\n  ${SPREAD}\n];\n`);
  });
});
