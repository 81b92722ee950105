// A factory whose methods are called from other modules: when each runs is decided by its callers.
import fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';

export function createStore(app: FastifyInstance) {
  return {
    ensureDir(dir: string): void {
      if (!fs.existsSync(dir)) fs.mkdirSync(dir, { recursive: true }); // clean: only called from a plugin body (startup)
    },
    slug(): string {
      return randomBytes(8).toString('hex'); // expect: R2.3
    },
    log(msg: string): void {
      app.log.info(msg);
    },
  };
}

export function loadTemplate(name: string): string {
  return fs.readFileSync(name, 'utf8'); // clean: every caller runs at startup
}
