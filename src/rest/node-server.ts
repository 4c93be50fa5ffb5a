/**
 * A Node HTTP server over the REST handler: node's request/response are converted to and from
 * the fetch API's Request/Response, so the server answers exactly what the in-browser handler
 * answers. Binds to loopback unless told otherwise.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { isIP, type Socket } from 'node:net';
import { Readable } from 'node:stream';
import { createQdrantHandler, type QdrantHandler, type QdrantHandlerOptions } from './handler';
import type { QdrantStore } from './routes';

/** Options of {@link serveQdrant}. */
export interface ServeOptions extends QdrantHandlerOptions {
  /** TCP port (default 6333; 0 picks a free one). */
  port?: number;
  /** Address to bind (default `127.0.0.1`: only this machine can connect). */
  host?: string;
  /** How long {@link QdrantServer.close} lets in-flight requests run before cutting connections (ms, default 10 000). */
  shutdownGraceMs?: number;
}

/** A running server. */
export interface QdrantServer {
  /** The base URL clients use, from the address actually bound, e.g. `http://127.0.0.1:6333`. */
  readonly url: string;
  /** The address actually bound. */
  readonly host: string;
  readonly port: number;
  readonly server: Server;
  /** Stops accepting connections and resolves once in-flight requests have been answered (it does not close the store). */
  close(): Promise<void>;
}

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);

/** Whether an address only accepts connections from this machine. */
export function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '');
  return LOOPBACK_NAMES.has(host) || bare === '::1' || /^127\./.test(bare) || bare.endsWith('.localhost');
}

/**
 * Whether a `Host` header may reach a loopback-bound server. IP literals and `localhost` names
 * are fine; any other name could be an attacker's domain re-pointed at 127.0.0.1 (DNS
 * rebinding), which would let a web page read the store, so it is refused.
 */
function hostHeaderAllowed(header: string | undefined): boolean {
  if (!header) return true; // HTTP/1.0 clients; a browser always sends Host
  const name = header.startsWith('[') ? header.slice(0, header.indexOf(']') + 1) : header.replace(/:\d+$/, '');
  const bare = name.replace(/^\[|\]$/g, '').toLowerCase(); // host names are case-insensitive
  return isIP(bare) !== 0 || bare === 'localhost' || bare.endsWith('.localhost');
}

/** Converts a node request to a fetch Request (the body streams; the handler enforces the size limit). */
function toRequest(req: IncomingMessage, signal: AbortSignal): Request {
  const headers = new Headers();
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i], req.rawHeaders[i + 1]);
  const target = req.url ?? '/';
  // Origin-form targets ("/collections") are appended to a fixed base, so "//x" stays a path.
  const url = target.startsWith('/') ? new URL(`http://localhost${target}`) : new URL(target);
  const method = req.method ?? 'GET';
  const hasBody = method !== 'GET' && method !== 'HEAD';
  return new Request(url, {
    method,
    headers,
    signal,
    ...(hasBody ? { body: Readable.toWeb(req) as unknown as ReadableStream<Uint8Array>, duplex: 'half' } : {}),
  } as RequestInit);
}

async function send(res: ServerResponse, response: Response, closeAfter: boolean): Promise<void> {
  const body = Buffer.from(await response.arrayBuffer());
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, key) => {
    Object.defineProperty(headers, key, { value, enumerable: true, writable: true, configurable: true });
  });
  headers['content-length'] = String(body.byteLength);
  if (closeAfter) headers.connection = 'close';
  res.writeHead(response.status, headers);
  res.end(body);
}

function plainError(res: ServerResponse, status: number, message: string): void {
  const body = JSON.stringify({ status: { error: message }, time: 0 });
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), connection: 'close' });
  res.end(body);
}

/** Answers node requests with a fetch-style handler. */
export function nodeListener(handler: QdrantHandler, options: { checkHost: boolean; closing?: () => boolean }) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    if (options.checkHost && !hostHeaderAllowed(req.headers.host)) {
      plainError(res, 403, `Forbidden: Host ${JSON.stringify(req.headers.host)} is not allowed on a loopback-only server (use 127.0.0.1 or localhost)`);
      return;
    }
    const controller = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) controller.abort();
    });
    let request: Request;
    try {
      request = toRequest(req, controller.signal);
    } catch (error) {
      plainError(res, 400, `Bad request: ${(error as Error).message}`);
      return;
    }
    handler(request)
      // A body the handler did not read to its end (a 413, a 404 that never looked at it) is not
      // drained: the connection is closed after the response instead. Same while shutting down.
      .then((response) => send(res, response, !req.complete || (options.closing?.() ?? false)))
      .catch((error: unknown) => {
        if (!res.headersSent) plainError(res, 500, `Service internal error: ${(error as Error)?.message ?? String(error)}`);
        else res.destroy();
      });
  };
}

/**
 * Starts an HTTP server answering Qdrant's REST API from `store`. Resolves once it listens.
 * Requests whose Host header is a domain name are refused while bound to loopback (DNS rebinding).
 */
export function serveQdrant(store: QdrantStore, options: ServeOptions = {}): Promise<QdrantServer> {
  const { port = 6333, host = '127.0.0.1', shutdownGraceMs = 10_000, ...handlerOptions } = options;
  const handler = createQdrantHandler(store, handlerOptions);
  let closing: Promise<void> | undefined;
  const server = createServer(nodeListener(handler, { checkHost: isLoopback(host), closing: () => closing !== undefined }));
  server.keepAliveTimeout = 5_000;
  server.headersTimeout = 60_000;
  server.requestTimeout = 300_000;
  // Requests in progress per connection. Node's closeIdleConnections() skips connections that
  // never sent a request (a preconnect, a stalled client), which would hold close() up for the
  // whole grace period, so connections are tracked here.
  const connections = new Map<Socket, number>();
  server.on('connection', (socket: Socket) => {
    connections.set(socket, 0);
    socket.once('close', () => connections.delete(socket));
  });
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const socket = req.socket;
    connections.set(socket, (connections.get(socket) ?? 0) + 1);
    res.once('close', () => {
      const left = (connections.get(socket) ?? 1) - 1;
      connections.set(socket, left);
      if (closing && left === 0) socket.destroySoon(); // answered with `connection: close`; do not wait for the client
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address();
      const boundPort = typeof address === 'object' && address ? address.port : port;
      const boundHost = typeof address === 'object' && address ? address.address : host;
      const urlHost = isIP(boundHost) === 6 ? `[${boundHost}]` : boundHost;
      resolve({
        url: `http://${urlHost}:${boundPort}`,
        host: boundHost,
        port: boundPort,
        server,
        close: () => {
          closing ??= new Promise<void>((done) => {
            // Stop accepting; server.close's callback runs once every connection has ended, i.e.
            // once the requests in flight have been answered. Connections with nothing in flight go now.
            const grace = setTimeout(() => server.closeAllConnections(), shutdownGraceMs);
            grace.unref();
            server.close(() => {
              clearTimeout(grace);
              done();
            });
            for (const [socket, active] of connections) if (active === 0) socket.destroy();
          });
          return closing;
        },
      });
    });
  });
}
