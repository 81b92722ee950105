// A JavaScript project's own barrel: Node's sync read under another name, and a pure *Sync.
export { readFileSync as readText } from 'node:fs';

export function parseSync(text) {
  return text.split(',');
}
