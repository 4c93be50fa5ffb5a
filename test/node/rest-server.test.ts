/**
 * The Node HTTP server around the handler: node request/response ↔ fetch Request/Response,
 * loopback by default with a Host check against DNS rebinding, bodies streamed with the size
 * limit, and a close() that stops accepting but answers the requests already in flight.
 */
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openStore, type VecliteClient } from '../../src/client/client';
import { isLoopback, serveQdrant, type QdrantServer } from '../../src/rest/node-server';
import type { QdrantStore } from '../../src/rest/routes';

let store: VecliteClient;
let server: QdrantServer;

beforeAll(async () => {
  store = await openStore('rest-server', { worker: false, persistence: 'memory' });
  server = await serveQdrant(store, { port: 0, maxBodyBytes: 64 * 1024 });
});
afterAll(async () => {
  await server.close();
  await store.close();
});

/** A raw HTTP request (fetch cannot set Host), resolving status, headers and body text. */
function raw(options: { method?: string; path: string; headers?: Record<string, string>; body?: string | Buffer; port?: number }) {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }>((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: options.port ?? server.port, method: options.method ?? 'GET', path: options.path, headers: options.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

describe('serveQdrant', () => {
  test('binds 127.0.0.1 by default and reports its URL', () => {
    expect(server.host).toBe('127.0.0.1');
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
    const address = server.server.address();
    expect(typeof address === 'object' && address?.address).toBe('127.0.0.1');
    expect(isLoopback('127.0.0.1') && isLoopback('::1') && isLoopback('localhost')).toBe(true);
    expect(isLoopback('0.0.0.0') || isLoopback('192.168.1.2')).toBe(false);
  });

  test('Host names that could be DNS-rebound to loopback are refused; IP literals and localhost pass', async () => {
    for (const host of [`127.0.0.1:${server.port}`, `localhost:${server.port}`, `[::1]:${server.port}`, 'app.localhost']) {
      expect((await raw({ path: '/collections', headers: { host } })).status, host).toBe(200);
    }
    const evil = await raw({ path: '/collections', headers: { host: `attacker.example:${server.port}` } });
    expect(evil.status).toBe(403);
    expect(JSON.parse(evil.text).status.error).toMatch(/^Forbidden: Host "attacker\.example:\d+" is not allowed/);
  });

  test('node requests become fetch Requests: method, path, query, headers and body arrive intact', async () => {
    const put = await raw({
      method: 'PUT',
      path: '/collections/over%20http?timeout=5',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ vectors: { size: 2, distance: 'Dot' } }),
    });
    expect(JSON.parse(put.text)).toMatchObject({ result: true, status: 'ok' });
    expect(put.headers['content-type']).toBe('application/json');
    const upsert = await raw({
      method: 'PUT',
      path: '/collections/over%20http/points?wait=true',
      headers: { 'content-type': 'application/json' },
      body: Buffer.from('{"points":[{"id":18446744073709551615,"vector":[1,2],"payload":{"s":"héllo"}}]}'),
    });
    expect(JSON.parse(upsert.text).result.status).toBe('completed');
    const scroll = await raw({ method: 'POST', path: '/collections/over%20http/points/scroll', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(scroll.text).toContain('"points":[{"id":18446744073709551615,"payload":{"s":"héllo"}}]');
  });

  test('a body over the limit: 413, and the connection is closed instead of draining the rest', async () => {
    const size = 256 * 1024;
    const reply = await raw({ method: 'PUT', path: '/collections/x/points', headers: { 'content-type': 'application/json', 'content-length': String(size) }, body: Buffer.alloc(size, 0x20) });
    expect(reply.status).toBe(413);
    expect(reply.headers.connection).toBe('close');
    // Streamed without a length (chunked): the handler stops reading at the limit.
    const chunked = await new Promise<number>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port: server.port, method: 'PUT', path: '/collections/x/points', headers: { 'content-type': 'application/json' }, agent: false }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', (error: NodeJS.ErrnoException) => (error.code === 'EPIPE' || error.code === 'ECONNRESET' ? undefined : reject(error)));
      let sent = 0;
      const pump = () => {
        while (sent < 1024 * 1024 && !req.destroyed) {
          sent += 16 * 1024;
          if (!req.write(Buffer.alloc(16 * 1024, 0x20))) return void req.once('drain', pump);
        }
        req.end();
      };
      pump();
    });
    expect(chunked).toBe(413);
  });

  test('close(): refuses new connections, answers requests in flight, does not wait for idle keep-alive sockets', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    const slow = {
      getCollections: async () => {
        entered();
        await gate;
        return { collections: [{ name: 'slow' }] };
      },
    } as unknown as QdrantStore;
    const own = await serveQdrant(slow, { port: 0 });
    // An idle keep-alive connection must not hold close() up.
    const idle = connect(own.port, '127.0.0.1');
    await new Promise((resolve) => idle.once('connect', resolve));
    const inFlight = raw({ path: '/collections', port: own.port });
    await inside;
    let closed = false;
    const closing = own.close().then(() => (closed = true));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(closed).toBe(false);
    await expect(raw({ path: '/', port: own.port })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    release();
    const answered = await inFlight;
    expect(answered.status).toBe(200);
    expect(JSON.parse(answered.text).result).toEqual({ collections: [{ name: 'slow' }] });
    expect(answered.headers.connection).toBe('close');
    await closing;
    expect(closed).toBe(true);
    idle.destroy();
  });

  test('a port in use is an error from serveQdrant, not a crash', async () => {
    await expect(serveQdrant(store, { port: server.port })).rejects.toMatchObject({ code: 'EADDRINUSE' });
  });
});
