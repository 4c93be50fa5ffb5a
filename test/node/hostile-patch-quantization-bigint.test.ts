/**
 * The REST parser keeps integers beyond 2^53 as BigInt. In a `quantization_config.scalar` of a
 * PATCH (or of a create), such a value is accepted and stored; after the PATCH is persisted,
 * Collection.syncQuantization compares configs with JSON.stringify, which throws "Do not know how
 * to serialize a BigInt" — a 500, with the PATCH (metadata included) already applied and saved.
 * A collection created with such a value can never have its quantization changed again: every
 * later PATCH of quantization_config (even "Disabled") is a 500.
 */
import { describe, expect, test } from 'vitest';
import { createQdrantHandler, type VecliteClient } from '../../src/index';
import { open } from './store';

function sender(store: VecliteClient) {
  const handler = createQdrantHandler(store);
  return async (method: string, path: string, body?: string) => {
    const response = await handler(
      new Request(`http://localhost${path}`, { method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, body }),
    );
    return { status: response.status, body: await response.json() };
  };
}

describe('a u64-sized integer inside quantization_config is a 400, never a 500', () => {
  test('PATCH with always_ram: 18446744073709551615 is refused with 400 and changes nothing', async () => {
    const store = await open(undefined, { persistence: 'memory' });
    const send = sender(store);
    await send('PUT', '/collections/c', '{"vectors":{"size":2,"distance":"Dot"},"metadata":{"m":0}}');
    const before = (await send('GET', '/collections/c')).body.result;
    const reply = await send('PATCH', '/collections/c', '{"metadata":{"m":1},"quantization_config":{"scalar":{"type":"int8","quantile":0.9,"always_ram":18446744073709551615}}}');
    // Should: 400 (always_ram is a bool). Does: 500 "Service internal error: Do not know how to serialize a BigInt".
    expect(reply.status).toBe(400);
    expect((await send('GET', '/collections/c')).body.result).toEqual(before);
    await store.close();
  });

  test('a collection created with such a value can still have its quantization disabled', async () => {
    const store = await open(undefined, { persistence: 'memory' });
    const send = sender(store);
    const created = await send('PUT', '/collections/e', '{"vectors":{"size":2,"distance":"Dot"},"quantization_config":{"scalar":{"type":"int8","always_ram":18446744073709551615}}}');
    if (created.status === 200) {
      // Should: 200 (or the create above should have been a 400). Does: 500 on every such PATCH.
      const reply = await send('PATCH', '/collections/e', '{"quantization_config":"Disabled"}');
      expect(reply.status).toBe(200);
    } else {
      expect(created.status).toBe(400);
    }
    await store.close();
  });
});
