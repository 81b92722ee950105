import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { loadLoopRules, REPO, RULES_TEST_DIR } from './helpers.js';

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

function perRule(expected: Finding[], missed: Finding[]): Map<string, { total: number; caught: number }> {
  const rules = new Map<string, { total: number; caught: number }>();
  for (const f of expected) {
    const r = rules.get(f.id) ?? { total: 0, caught: 0 };
    r.total += 1;
    r.caught += 1;
    rules.set(f.id, r);
  }
  for (const f of missed) {
    const r = rules.get(f.id);
    if (r) r.caught -= 1;
  }
  return new Map([...rules].sort(([a], [b]) => a.localeCompare(b)));
}

/** The per-rule table the README shows: violations caught and false positives per RULEBOOK id. */
function figures(expected: Finding[], missed: Finding[], falsePositives: Finding[], clean: number): string {
  const rows = [...perRule(expected, missed)].map(([id, r]) => {
    const fp = falsePositives.filter((f) => f.id === id).length;
    return `| ${id} | ${r.total} | ${r.caught} | ${Math.floor((1000 * r.caught) / r.total) / 10} % | ${fp} |`;
  });
  const caught = expected.length - missed.length;
  return [
    '| Rule | Violations | Caught | Recall | False positives |',
    '| --- | ---: | ---: | ---: | ---: |',
    ...rows,
    `| **all** | ${expected.length} | ${caught} | ${Math.floor((1000 * caught) / expected.length) / 10} % | ${falsePositives.length} |`,
    '',
    `Clean-but-suspicious snippets (\`// clean:\`): ${clean}, reported: ${falsePositives.length}.`,
  ].join('\n');
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
    let cleanSnippets = 0;
    for (const result of results) {
      const file = path.relative(CORPUS, result.filePath).split(path.sep).join('/');
      const text = await readFile(result.filePath, 'utf8');
      const found = annotations(file, text);
      cleanSnippets += text.split('\n').filter((l) => l.includes('// clean:')).length;
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

    const table = figures(expected, missed, falsePositives, cleanSnippets);
    console.log(table);
    expect(unlabelled, 'every message starts with its RULEBOOK id').toEqual([]);
    expect(missed.map(key), 'annotated but not reported').toEqual([]);
    expect(falsePositives.map((f) => `${key(f)} ${reportedText.get(key(f)) ?? ''}`), 'reported but not annotated').toEqual([]);
    expect(results.some((r) => r.filePath.endsWith(path.join('src', 'config.ts')))).toBe(true);
    // Targets (issue 11): >= 95 % of the statically detectable violations of each rule, no false positive.
    for (const [id, { total, caught: hit }] of perRule(expected, missed)) expect(hit / total, `recall of ${id}`).toBeGreaterThanOrEqual(0.95);
    expect(cleanSnippets).toBeGreaterThanOrEqual(expected.length / 2);
    // The README reports these figures: it must say what this test measures.
    const readme = await readFile(path.join(REPO, 'README.md'), 'utf8');
    const block = /<!-- corpus-figures -->\n([\s\S]*?)\n<!-- \/corpus-figures -->/.exec(readme)?.[1];
    expect(block, 'README corpus table (regenerate from this test output)').toBe(table);
  }, 180_000); // one type-aware lint of the whole corpus: slow on a loaded machine
});
