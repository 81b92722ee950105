import { parseSync, readText } from './helpers.js';

export function handler(name) {
  const text = readText(name, 'utf8'); // expect: R2.3
  return parseSync(text);
}
