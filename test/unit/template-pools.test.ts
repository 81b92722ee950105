import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { TEMPLATES_DIR } from '../../generators/shared/render.js';

/**
 * P24 (templates/_shared/base/docs/loop-rules.md): a worker thread terminated inside require(esm)
 * aborts the process on Node 24 and 26, and piscina loads its task file with require() first. Every
 * piscina pool of every template, its tests' included, starts its threads with the flags of
 * src/startup/worker-exec-argv.ts; the generated test/worker-exec-argv.test.ts checks what those
 * flags do on the Node line that runs it. (That test builds a pool from the function's result.)
 */
const EXEMPT = new Set(['_shared/base/test/worker-exec-argv.test.ts']);
const FLAGS = /\bexecArgv:\s*(?:workerExecArgv\(import\.meta\.url\)|WORKER_EXEC_ARGV)\s*[,}]/;
const DEFINED = 'export const WORKER_EXEC_ARGV = workerExecArgv(import.meta.url);';

/** The options object of each `new Piscina({ … })` in `text`: from its `{` to the matching `}`. */
function piscinaOptions(text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(/new Piscina\(\{/g)) {
    const start = match.index + match[0].length - 1;
    let depth = 0;
    for (let i = start; i < text.length; i++) {
      if (text[i] === '{') depth += 1;
      else if (text[i] === '}' && --depth === 0) {
        found.push(text.slice(start, i + 1));
        break;
      }
    }
  }
  return found;
}

async function sources(): Promise<Array<{ file: string; text: string }>> {
  const files = (await readdir(TEMPLATES_DIR, { recursive: true })).filter((f) => /\.(?:[cm]?ts|[cm]?js|hbs)$/.test(f) && !f.includes('node_modules'));
  return Promise.all(files.map(async (file) => ({ file: file.split(path.sep).join('/'), text: await readFile(path.join(TEMPLATES_DIR, file), 'utf8') })));
}

describe('the piscina pools of the templates (P24)', () => {
  it('finds the pools in an options object, nested braces included', () => {
    expect(piscinaOptions('const a = new Piscina({ filename: f, resourceLimits: { x: 1 }, execArgv: workerExecArgv(import.meta.url) });')).toEqual([
      '{ filename: f, resourceLimits: { x: 1 }, execArgv: workerExecArgv(import.meta.url) }',
    ]);
    expect(FLAGS.test("{ filename: f, execArgv: ['--import', 'tsx'] }")).toBe(false);
  });

  it('start every thread with the flags of src/startup/worker-exec-argv.ts', async () => {
    const all = await sources();
    const pools = all.flatMap(({ file, text }) => (EXEMPT.has(file) ? [] : piscinaOptions(text).map((options) => ({ file, options }))));
    expect(pools.length).toBeGreaterThanOrEqual(4); // one a template, and the bot's test pool
    expect(pools.filter(({ options }) => !FLAGS.test(options))).toEqual([]);
    // a pool that passes WORKER_EXEC_ARGV gets it from the module that defines it so
    if (pools.some(({ options }) => options.includes('WORKER_EXEC_ARGV'))) {
      expect(all.filter(({ text }) => text.includes(DEFINED)).map(({ file }) => file)).not.toEqual([]);
    }
  });
});
