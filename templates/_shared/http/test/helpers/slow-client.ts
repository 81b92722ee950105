import { once } from 'node:events';
import { connect } from 'node:net';

/** A client that never finishes its request: it sends a part of it, then one more byte every 100 ms. */
export interface SlowClient {
  /** Resolves once the server closed the connection, with everything the server sent. */
  closed: Promise<string>;
  destroy(): void;
}

const DRIBBLE_MS = 100;

/**
 * Opens a raw TCP connection to `origin` and sends `head`, then keeps dribbling `byte` (a slow
 * uploader when `head` ends in a body, a slow client when it ends inside the headers).
 */
export async function slowClient(origin: string, head: string, byte = 'a'): Promise<SlowClient> {
  const url = new URL(origin);
  const socket = connect(Number(url.port), url.hostname);
  await once(socket, 'connect');
  let received = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    received += chunk;
  });
  socket.on('error', () => undefined); // a reset is one way of being cut off: 'close' follows
  socket.write(head);
  const dribble = setInterval(() => {
    if (!socket.destroyed) socket.write(byte);
  }, DRIBBLE_MS);
  // Not events.once(), which rejects on 'error': once the server has answered and closed, the
  // dribble's next write or read fails (EPIPE, ECONNRESET) before 'close', whatever was received.
  const closed = new Promise<string>((resolve) => {
    socket.once('close', () => {
      clearInterval(dribble);
      resolve(received);
    });
  });
  return {
    closed,
    destroy: () => {
      clearInterval(dribble);
      socket.destroy();
    },
  };
}

/** The head of a JSON POST announcing a body of `length` bytes, and the start of that body. */
export function postHead(path: string, headers: Record<string, string> = {}, length = 100_000): string {
  const lines = [`POST ${path} HTTP/1.1`, 'Host: 127.0.0.1', 'Content-Type: application/json', `Content-Length: ${length}`];
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  return `${lines.join('\r\n')}\r\n\r\n{"password":"`;
}
