import { DEFAULT_PORT, URL_VARIABLE } from './source.js';

// Where the queue server of this project's tests is, so a tcp-proxy (./tcp-proxy.ts) can stand in
// front of it and the worker be pointed at the proxy.

const SERVER_URL = process.env[URL_VARIABLE] ?? '';

/** The server behind the URL variable. */
export function serverAddress(): { host: string; port: number } {
  const url = new URL(SERVER_URL);
  return { host: url.hostname, port: Number(url.port || DEFAULT_PORT) };
}

/** The server's URL with the port replaced: the worker then talks to it through a proxy. */
export function urlThrough(port: number): string {
  const url = new URL(SERVER_URL);
  url.hostname = '127.0.0.1';
  url.port = String(port);
  return url.href;
}
