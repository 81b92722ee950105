import { describe, expect, it } from 'vitest';
import { lineDiff } from '../../generators/rules/line-diff.js';

describe('lineDiff', () => {
  it('reports exactly the lines that differ, with their line numbers', () => {
    expect(lineDiff('a\nb\nc\n', 'a\nb2\nc\nd\n')).toEqual([
      { kind: '-', line: 2, text: 'b' },
      { kind: '+', line: 2, text: 'b2' },
      { kind: '+', line: 4, text: 'd' },
    ]);
    expect(lineDiff('same\n', 'same\n')).toEqual([]);
  });

  it('a 30,000-line file with two edits is diffed in linear memory (the LCS table took gigabytes)', () => {
    const lines = Array.from({ length: 30_000 }, (_, i) => `  rule${i}: 'error',`);
    const before = `${lines.join('\n')}\n`;
    const after = `import x from 'x';\n${lines.slice(0, 15_000).join('\n')}\n  added,\n${lines.slice(15_000).join('\n')}\n`;
    const heap = process.memoryUsage().heapUsed;
    const changes = lineDiff(before, after);
    expect(changes).toEqual([
      { kind: '+', line: 1, text: "import x from 'x';" },
      { kind: '+', line: 15_002, text: '  added,' },
    ]);
    // the old quadratic table needed 30,000² cells; this stays within a few times the input
    expect(process.memoryUsage().heapUsed - heap).toBeLessThan(200 * 1024 * 1024);
  });

  it('two unrelated large files stay bounded: reported as replaced, never a crash', () => {
    const a = Array.from({ length: 20_000 }, (_, i) => `a${i}`).join('\n');
    const b = Array.from({ length: 20_000 }, (_, i) => `b${i}`).join('\n');
    const changes = lineDiff(a, b);
    expect(changes.filter((c) => c.kind === '-')).toHaveLength(20_000);
    expect(changes.filter((c) => c.kind === '+')).toHaveLength(20_000);
  });
});
