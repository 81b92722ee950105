import { diffArrays } from 'diff';

/** One line that differs: `+` added (line number in the new text), `-` removed (in the old). */
export interface LineChange {
  kind: '+' | '-';
  line: number;
  text: string;
}

/**
 * Past this many differing lines the diff stops looking for the shortest edit and reports the
 * rest as replaced: Myers' algorithm is O((N+M)·D) in time and O(N+M) in memory, so a large,
 * mostly equal file (the case of a config edit) stays fast, and a pathological pair stays bounded.
 */
const MAX_EDIT_LENGTH = 2000;

/**
 * The lines that differ between two texts (Myers' diff, from the `diff` package), so "what it
 * says it changed" is exactly what differs and every other line is untouched.
 */
export function lineDiff(before: string, after: string): LineChange[] {
  const a = before.split('\n');
  const b = after.split('\n');
  const parts = diffArrays(a, b, { maxEditLength: MAX_EDIT_LENGTH }) ?? [
    { value: a, removed: true, added: false, count: a.length },
    { value: b, added: true, removed: false, count: b.length },
  ];
  const changes: LineChange[] = [];
  let i = 0;
  let j = 0;
  for (const part of parts) {
    for (const text of part.value) {
      if (part.removed) changes.push({ kind: '-', line: ++i, text });
      else if (part.added) changes.push({ kind: '+', line: ++j, text });
      else {
        i++;
        j++;
      }
    }
  }
  return changes;
}
