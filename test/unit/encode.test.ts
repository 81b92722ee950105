import { describe, expect, it } from 'vitest';
import { jsonString, markdownText, tsString } from '../../generators/shared/encode.js';

const HOSTILE = `a "quoted" 'single' \`tick\` \${x} {{y}} & <b> é \\ \u2028 end`;

describe('encoders', () => {
  it('tsString round-trips through the JS parser', () => {
    const literal = tsString(HOSTILE);
    expect(literal).not.toContain('\u2028');
    expect(new Function(`return ${literal};`)()).toBe(HOSTILE);
  });

  it('jsonString round-trips through JSON.parse', () => {
    expect(JSON.parse(jsonString(HOSTILE))).toBe(HOSTILE);
  });

  it('markdownText leaves no raw markup or HTML', () => {
    const md = markdownText(HOSTILE);
    expect(md).not.toMatch(/(^|[^\\])[`<]/);
    expect(md).not.toMatch(/&(?!amp;|lt;)/);
    expect(md).toContain('é');
    expect(markdownText('@acme/orders-svc')).toBe('@acme/orders\\-svc');
  });
});
