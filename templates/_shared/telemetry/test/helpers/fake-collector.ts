import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer, type Socket } from 'node:net';

// A fake OpenTelemetry collector on 127.0.0.1 for the telemetry tests: it accepts OTLP/HTTP with
// JSON bodies (start the service with OTEL_EXPORTER_OTLP_PROTOCOL=http/json) and keeps every
// span and metric name it received. Also the two collectors that fail: a closed port, and one
// that accepts connections and never answers.

export interface ReceivedSpan {
  traceId: string;
  name: string;
  /** service.name of the resource that sent it */
  service: string;
  /** 0 unset, 1 ok, 2 error */
  status: number;
  attributes: Record<string, string | number | boolean>;
}

export interface FakeCollector {
  /** http://127.0.0.1:PORT, for OTEL_EXPORTER_OTLP_ENDPOINT */
  endpoint: string;
  spans: ReceivedSpan[];
  metricNames: Set<string>;
  close(): Promise<void>;
}

interface AnyValue {
  stringValue?: string;
  intValue?: number | string;
  doubleValue?: number;
  boolValue?: boolean;
}
interface KeyValue {
  key: string;
  value: AnyValue;
}
interface TracesBody {
  resourceSpans?: {
    resource?: { attributes?: KeyValue[] };
    scopeSpans?: { spans?: { traceId: string; name: string; attributes?: KeyValue[]; status?: { code?: number } }[] }[];
  }[];
}
interface MetricsBody {
  resourceMetrics?: { scopeMetrics?: { metrics?: { name: string }[] }[] }[];
}

function plain(value: AnyValue): string | number | boolean {
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.doubleValue !== undefined) return value.doubleValue;
  return value.boolValue ?? '';
}

export async function startFakeCollector(): Promise<FakeCollector> {
  const spans: ReceivedSpan[] = [];
  const metricNames = new Set<string>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as TracesBody & MetricsBody;
      if (req.url === '/v1/traces') {
        for (const rs of body.resourceSpans ?? []) {
          const service = String(plain(rs.resource?.attributes?.find((a) => a.key === 'service.name')?.value ?? {}));
          for (const ss of rs.scopeSpans ?? [])
            for (const s of ss.spans ?? []) {
              const attributes = Object.fromEntries((s.attributes ?? []).map((a) => [a.key, plain(a.value)]));
              spans.push({ traceId: s.traceId, name: s.name, service, status: s.status?.code ?? 0, attributes });
            }
        }
      } else if (req.url === '/v1/metrics') {
        for (const rm of body.resourceMetrics ?? []) for (const sm of rm.scopeMetrics ?? []) for (const m of sm.metrics ?? []) metricNames.add(m.name);
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { endpoint: `http://127.0.0.1:${port(server)}`, spans, metricNames, close: () => closeServer(server) };
}

/** A port nothing listens on: connections are refused. */
export async function closedPort(): Promise<string> {
  const server = createTcpServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const endpoint = `http://127.0.0.1:${port(server)}`;
  await closeServer(server);
  return endpoint;
}

/** A collector that accepts every connection and never answers; `connected` resolves on the first connection. */
export async function silentCollector(): Promise<{ endpoint: string; connected: Promise<void>; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  let resolve = () => {};
  const connected = new Promise<void>((r) => {
    resolve = r;
  });
  const server = createTcpServer((socket) => {
    resolve();
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    endpoint: `http://127.0.0.1:${port(server)}`,
    connected,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await closeServer(server);
    },
  };
}

function port(server: Server | ReturnType<typeof createTcpServer>): number {
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('not listening on a TCP port');
  return address.port;
}

async function closeServer(server: Server | ReturnType<typeof createTcpServer>): Promise<void> {
  if ('closeAllConnections' in server) server.closeAllConnections();
  await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
}

/** A W3C traceparent whose trace id is `traceId`: the span of that request carries it. */
export function traceparent(traceId: string): string {
  return `00-${traceId}-${'1'.repeat(16)}-01`;
}

/** The `i`th trace id of a test: 32 lowercase hex digits. */
export function traceIdOf(i: number): string {
  return (i + 1).toString(16).padStart(32, '0');
}

/** The two collectors that fail, for it.each: `attempted` resolves once the exporter has tried it (at once for a closed port). */
export const UNREACHABLE = [
  { label: 'a closed port', start: async () => ({ endpoint: await closedPort(), attempted: Promise.resolve(), close: () => Promise.resolve() }) },
  {
    label: 'a collector that accepts connections and never answers',
    start: async () => {
      const silent = await silentCollector();
      return { endpoint: silent.endpoint, attempted: silent.connected, close: () => silent.close() };
    },
  },
];

/** `promise`, or a rejection naming `what` after `timeoutMs` (never wait unbounded). */
export async function within<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
