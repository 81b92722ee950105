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
