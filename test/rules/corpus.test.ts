import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { loadLoopRules, RULES_TEST_DIR } from './helpers.js';

// Lints test/rules/corpus/src with the real ruleset (type-aware) and compares every report with
// the `// expect: Rx.y` annotations. See test/rules/corpus/README.md.

const CORPUS = path.join(RULES_TEST_DIR, 'corpus');
const RULE_ID = /^(R\d\.\d):/;

interface Finding {
  file: string;
  line: number;
  id: string;
}

const key = (f: Finding) => `${f.file}:${f.line} ${f.id}`;

function annotations(file: string, text: string): { expected: Finding[]; misses: Finding[] } {
  const expected: Finding[] = [];
  const misses: Finding[] = [];
  text.split('\n').forEach((source, index) => {
    const expect = /\/\/ expect: (R\d\.\d(?:, R\d\.\d)*)/.exec(source);
    if (expect?.[1]) for (const id of expect[1].split(', ')) expected.push({ file, line: index + 1, id });
    const miss = /\/\/ miss: (R\d\.\d)/.exec(source);
    if (miss?.[1]) misses.push({ file, line: index + 1, id: miss[1] });
  });
  return { expected, misses };
}

/** Multiset difference a − b by key. */
function minus(a: Finding[], b: Finding[]): Finding[] {
  const counts = new Map<string, number>();
  for (const f of b) counts.set(key(f), (counts.get(key(f)) ?? 0) + 1);
  return a.filter((f) => {
    const left = counts.get(key(f)) ?? 0;
    if (left === 0) return true;
    counts.set(key(f), left - 1);
    return false;
  });
}

describe('loop-rules corpus', () => {
  it('reports every annotated violation with its rule id, and nothing else', async () => {
    const loopRules = await loadLoopRules();
    const eslint = new ESLint({ cwd: CORPUS, overrideConfigFile: true, overrideConfig: loopRules({ tsconfigRootDir: CORPUS }) });
    const results = await eslint.lintFiles(['src']);

    const expected: Finding[] = [];
    const misses: Finding[] = [];
    const reported: Finding[] = [];
    const unlabelled: string[] = [];
    const reportedText = new Map<string, string>();
    for (const result of results) {
      const file = path.relative(CORPUS, result.filePath).split(path.sep).join('/');
      const found = annotations(file, await readFile(result.filePath, 'utf8'));
      expected.push(...found.expected);
      misses.push(...found.misses);
      for (const m of result.messages) {
        const id = RULE_ID.exec(m.message)?.[1];
        if (!id) unlabelled.push(`${file}:${m.line} ${m.ruleId ?? 'fatal'}: ${m.message}`);
        const finding = { file, line: m.line, id: id ?? m.ruleId ?? 'fatal' };
        // Annotations are per line: two reports of one rule on one line are one finding.
        if (reportedText.has(key(finding))) continue;
        reported.push(finding);
        reportedText.set(key(finding), `${m.ruleId ?? 'fatal'}: ${m.message}`);
      }
    }

    const missed = minus(expected, reported);
    const falsePositives = minus(reported, expected);
    const caught = expected.length - missed.length;
    console.log(
      `loop-rules corpus: ${results.length} files, ${expected.length} annotated violations: caught ${caught}, missed ${missed.length} ` +
        `(+ ${misses.length} documented static blind spot${misses.length === 1 ? '' : 's'}), false positives ${falsePositives.length}`,
    );

    expect(unlabelled, 'every message starts with its RULEBOOK id').toEqual([]);
    expect(missed.map(key), 'annotated but not reported').toEqual([]);
    expect(falsePositives.map((f) => `${key(f)} ${reportedText.get(key(f)) ?? ''}`), 'reported but not annotated').toEqual([]);
    expect(results.some((r) => r.filePath.endsWith(path.join('src', 'config.ts')))).toBe(true);
  });
});
