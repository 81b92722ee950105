import { describe, expect, it } from 'vitest';
import { listTemplateFiles } from '../../generators/render.js';
import { describeOptions, optionMatrix, TEMPLATE_IDS } from '../../generators/registry.js';

// A file that two layers of one render both provide is resolved by their order: the later one
// silently replaces the other (the runner's src/mode-config.ts used to replace the polling one
// that way, so a change to one was never seen in the other's projects). Within a template, a file
// belongs to the base or to exactly one chosen option overlay; package.json files merge and are
// the one exception. Checked for the code (src/, test/); the rendered README and .env.example are
// still written per overlay.

describe.each(TEMPLATE_IDS)('%s', (id) => {
  it('no chosen option overlay provides a source or test file that the base or another chosen overlay provides', async () => {
    const files = await listTemplateFiles(id);
    const base = files.filter((f) => !f.startsWith('_options/'));
    for (const values of optionMatrix(id)) {
      const owner = new Map(base.map((f) => [f, 'the base']));
      const clashes: string[] = [];
      for (const [key, value] of Object.entries(values)) {
        const prefix = `_options/${key}/${String(value)}/`;
        for (const file of files.filter((f) => f.startsWith(prefix)).map((f) => f.slice(prefix.length))) {
          if (!file.startsWith('src/') && !file.startsWith('test/')) continue;
          const earlier = owner.get(file);
          if (earlier) clashes.push(`${file}: ${prefix} and ${earlier}`);
          owner.set(file, prefix);
        }
      }
      expect(clashes, describeOptions(values)).toEqual([]);
    }
  });
});
