// Types for deny-listed packages that are not installed: the corpus only needs them to typecheck.
declare module 'deasync' {
  const deasync: <T>(fn: (cb: (err: unknown, value: T) => void) => void) => () => T;
  export default deasync;
}
declare module 'synckit' {
  export function createSyncFn<T>(workerPath: string): (...args: unknown[]) => T;
}
declare module 'sync-request' {
  const request: (method: string, url: string) => { getBody(encoding: string): string };
  export default request;
}
declare module 'sync-fetch' {
  const fetch: (url: string) => { text(): string };
  export default fetch;
}
declare module 'better-sqlite3' {
  class Database {
    constructor(file: string);
    prepare(sql: string): { get(...params: unknown[]): unknown };
  }
  export default Database;
}
declare module 'xmlhttprequest' {
  export class XMLHttpRequest {
    open(method: string, url: string, async: boolean): void;
  }
}
declare module 'glob' {
  export function glob(pattern: string): Promise<string[]>;
  export function globSync(pattern: string): string[];
  export const sync: typeof globSync;
}
declare module 'bullmq' {
  export class Worker {
    constructor(queue: string, processor: (job: { data: unknown }) => Promise<unknown>, opts?: { connection: unknown });
    close(): Promise<void>;
  }
}
declare module 'yup' {
  export interface Schema<T> {
    validateSync(value: unknown): T;
    validate(value: unknown): Promise<T>;
  }
  export function object<T>(shape: Record<string, unknown>): Schema<T>;
  export function string(): unknown;
}
declare module 'configstore' {
  export default class Configstore {
    constructor(id: string);
    get(key: string): unknown;
    set(key: string, value: unknown): void;
  }
}
declare module 'hono' {
  export interface Context { req: { param(name: string): string }; json(value: unknown): Response; text(value: string): Response }
  export class Hono {
    get(path: string, handler: (c: Context) => Response | Promise<Response>): this;
    post(path: string, handler: (c: Context) => Response | Promise<Response>): this;
    use(handler: (c: Context, next: () => Promise<void>) => Promise<void>): this;
  }
}
