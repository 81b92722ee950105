import path from 'node:path';
import { ESLint } from 'eslint';
import { expect, it } from 'vitest';
import { loadLoopRules, RULES_TEST_DIR } from './helpers.js';

// JavaScript gets the same precision as TypeScript when a tsconfig with allowJs covers it and
// loopRules is told to type-check it (typeCheckedFiles): a re-export under a new name is followed
// to @types/node, and a project's own parseSync() is left alone. Without types neither is possible.
const DIR = path.join(RULES_TEST_DIR, 'js-typed');

it('type-checked JavaScript: blocking found through a re-export, the project\'s own *Sync left alone', async () => {
  const loopRules = await loadLoopRules();
  const eslint = new ESLint({ cwd: DIR, overrideConfigFile: true, overrideConfig: loopRules({ tsconfigRootDir: DIR, typeCheckedFiles: ['src/**/*.js'] }) });
  const results = await eslint.lintFiles(['src']);
  const found = results.flatMap((r) => r.messages.map((m) => `${path.basename(r.filePath)}:${m.line} ${m.ruleId} ${m.message.slice(0, 5)}`));
  expect(found).toEqual(['routes.js:4 loopsvc/no-blocking-call R2.3:']);
}, 120_000);
