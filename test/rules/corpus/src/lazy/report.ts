// Imported lazily from a request handler (routes/meaning.ts): this top level runs at request time.
import { readFileSync } from 'node:fs';

export const template = readFileSync('report.html', 'utf8'); // expect: R2.3
