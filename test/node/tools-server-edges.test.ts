/**
 * Review of the Node REST server's Host check (src/rest/node-server.ts).
 *
 * README "A local server": "While bound to loopback, requests whose `Host` is a domain name
 * other than `localhost` or `*.localhost` get 403 (DNS rebinding)." Host names are
 * case-insensitive (RFC 9110 §7.2 / RFC 3986 §3.2.2): `LOCALHOST` is `localhost`.
 */
import { request as httpRequest } from 'node:http';
import { expect, test } from 'vitest';
import { openStore } from '../../src/client/client';
import { serveQdrant } from '../../src/rest/node-server';

function get(port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path: '/collections', headers: { host }, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

test('a loopback server accepts Host: localhost in any letter case', async () => {
  const store = await openStore('review-host-case', { worker: false, persistence: 'memory' });
  const server = await serveQdrant(store, { port: 0 });
  try {
    expect(await get(server.port, `localhost:${server.port}`)).toBe(200);
    // Same host name, other case: veclite compares case-sensitively and refuses it with 403.
    expect(await get(server.port, `LOCALHOST:${server.port}`)).toBe(200);
    expect(await get(server.port, `Localhost:${server.port}`)).toBe(200);
    expect(await get(server.port, 'App.Localhost')).toBe(200);
  } finally {
    await server.close();
    await store.close();
  }
});
