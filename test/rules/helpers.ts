import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Linter } from 'eslint';

export const RULES_TEST_DIR = path.dirname(fileURLToPath(import.meta.url));
export const REPO = path.resolve(RULES_TEST_DIR, '../..');
export const LOOP_RULES_DIR = path.join(REPO, 'templates/_shared/base/eslint/loop-rules');
export const CHECK_LOOP = path.join(REPO, 'templates/_shared/base/scripts/check-loop.mjs');

export interface LoopRulesOptions {
  tsconfigRootDir?: string;
  srcDir?: string;
  typeChecked?: boolean;
  [key: string]: unknown;
}

/** The ruleset is plain JavaScript for generated projects; load it the way they do, untyped. */
export async function loadLoopRules(): Promise<(options: LoopRulesOptions) => Linter.Config[]> {
  const mod = (await import(pathToFileURL(path.join(LOOP_RULES_DIR, 'index.mjs')).href)) as { default: (options: LoopRulesOptions) => Linter.Config[] };
  return mod.default;
}

export async function loadPlugin(): Promise<{ rules: Record<string, import('eslint').Rule.RuleModule> }> {
  const mod = (await import(pathToFileURL(path.join(LOOP_RULES_DIR, 'plugin.mjs')).href)) as { plugin: { rules: Record<string, import('eslint').Rule.RuleModule> } };
  return mod.plugin;
}
