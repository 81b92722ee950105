/** One line that differs: `+` added (line number in the new text), `-` removed (in the old). */
export interface LineChange {
  kind: '+' | '-';
  line: number;
  text: string;
}

/**
 * The lines that differ between two small texts (config files), by longest common subsequence,
 * so "what it says it changed" is exactly what differs and every other line is untouched.
 */
export function lineDiff(before: string, after: string): LineChange[] {
  const a = before.split('\n');
  const b = after.split('\n');
  const lcs: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const changes: LineChange[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      i++;
      j++;
    } else if (i < a.length && (j === b.length || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) {
      changes.push({ kind: '-', line: i + 1, text: a[i]! }); // removals first, as diff shows them
      i++;
    } else {
      changes.push({ kind: '+', line: j + 1, text: b[j]! });
      j++;
    }
  }
  return changes;
}
