/**
 * The official QdrantClient against `serveQdrant` — veclite's Node HTTP server — on loopback
 * with a free port, in this process (the CLI as a child process is test/node/cli.test.ts).
 */
import { openStore } from '../../src/client/client';
import { serveQdrant } from '../../src/rest/node-server';
import { defineRestClientSuite } from '../support/rest-suite';

defineRestClientSuite(
  async () => {
    const store = await openStore('rest-client-node', { worker: false, persistence: 'memory' });
    const server = await serveQdrant(store, { port: 0, host: '127.0.0.1' });
    return {
      url: server.url,
      close: async () => {
        await server.close();
        await store.close();
      },
    };
  },
  { bigintClient: 'rawJSON' in JSON },
);
