import { describe, expect, it } from 'vitest';
import versions from '../../package.json' with { type: 'json' };
import { npmOrder } from '../../generators/shared/npm-order.js';

const sign = (n: number): number => Math.sign(n);

/** A deterministic stream of pseudo-random numbers (a linear congruential generator), so a failure repeats. */
function numbers(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

describe('npmOrder: the order npm writes dependencies in, without ICU', () => {
  it("agrees with localeCompare(…, 'en') on every pair of 4,000 names built from package-name characters", () => {
    const next = numbers(7);
    const chars = "_-!.'()@*/~0123456789abcdefghijklmnopqrstuvwxyz";
    // short names over a small alphabet, so prefixes and equal names occur often
    const names = Array.from({ length: 4_000 }, () => {
      const length = 1 + Math.floor(next() * 5);
      return Array.from({ length }, () => chars[Math.floor(next() * (next() < 0.5 ? 6 : chars.length))]).join('');
    });
    const disagreements = [];
    for (let i = 0; i + 1 < names.length; i++) {
      const [a, b] = [names[i]!, names[i + 1]!];
      if (sign(npmOrder(a, b)) !== sign(a.localeCompare(b, 'en'))) disagreements.push([a, b]);
    }
    expect(disagreements).toEqual([]);
  });

  it('sorts the real dependency names as localeCompare does, where UTF-16 order differs', () => {
    const names = [...Object.keys(versions.devDependencies), 'a_b', 'a-b', 'a.b', 'ab', '@types/node', '@typescript-eslint/parser', 'typescript-eslint', 'typescript'];
    expect([...names].sort(npmOrder)).toEqual([...names].sort((a, b) => a.localeCompare(b, 'en')));
    expect(['a-b', 'a_b'].sort(npmOrder)).toEqual(['a_b', 'a-b']); // UTF-16 order has - (45) before _ (95)
  });

  it('leaves names with other characters to ICU itself', () => {
    const names = ['Zlib', 'abc', 'JSONStream', 'éa', 'eb', 'e'];
    expect([...names].sort(npmOrder)).toEqual([...names].sort((a, b) => a.localeCompare(b, 'en')));
  });
});
