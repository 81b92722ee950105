import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from './helpers/process.js';

// Every rule id (R2.3), pitfall id (P11) and test-kit section (§5.1) cited in this project's code,
// lint messages and docs must lead somewhere: a heading of docs/loop-rules.md, shipped with it.

const SCANNED = ['src', 'test', 'eslint', 'scripts', 'deploy', 'docs', 'README.md', '.env.example', 'Dockerfile', 'eslint.config.js'];

/** Documents that exist only where this project was generated from: citing one leads nowhere. */
const NOT_SHIPPED = /\bRULE[B]OOK\b/i;
const CITED = /(?<![\w.§])(?:[RP]\d+(?:\.\d+)?|§\d+(?:\.\d+)?)(?![\w])/g;

async function files(path: string): Promise<string[]> {
  const entries = await readdir(path, { withFileTypes: true }).catch(() => undefined);
  if (!entries) return [path]; // a file (or absent: readFile below skips it)
  const nested = await Promise.all(entries.map((entry) => files(join(path, entry.name))));
  return nested.flat();
}

describe('docs/loop-rules.md', () => {
  it('has an entry for every rule id, pitfall id and test-kit section cited in the project', async () => {
    const doc = await readFile(join(PROJECT_ROOT, 'docs/loop-rules.md'), 'utf8');
    const headings = new Set([...doc.matchAll(/^#{2,3} (\S+?)(?::|$)/gm)].map((m) => m[1]));

    const paths = (await Promise.all(SCANNED.map((p) => files(join(PROJECT_ROOT, p))))).flat();
    const texts = await Promise.all(paths.map(async (path) => ({ path, text: await readFile(path, 'utf8').catch(() => '') })));
    const missing = new Map<string, string>();
    let cited = 0;
    for (const { path, text } of texts) {
      for (const [id] of text.matchAll(CITED)) {
        cited += 1;
        if (!headings.has(id)) missing.set(id, relative(PROJECT_ROOT, path));
      }
    }
    expect(cited).toBeGreaterThan(20); // the scan found the citations
    expect(Object.fromEntries(missing)).toEqual({});
    // Such a citation names a document this project does not contain: cite the id alone.
    expect(texts.filter(({ text }) => NOT_SHIPPED.test(text)).map(({ path }) => relative(PROJECT_ROOT, path))).toEqual([]);
  });
});
