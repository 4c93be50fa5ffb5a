/**
 * checkIndexParams (payload index params) refuses values Qdrant accepts:
 * - it type-checks every flag of every index type on every type, but Qdrant's *IndexParams
 *   structs ignore fields they do not have (no deny_unknown_fields): a keyword index given a
 *   text-only `lowercase` or an integer-only `range` is created by Qdrant;
 * - min/max_token_len are usize (up to 2^64 − 1), but a value beyond 2^53 (a BigInt, as the REST
 *   parser gives it) is refused as "invalid type: bigint".
 */
import { expect, test } from 'vitest';
import { freshName, open } from './store';

async function store() {
  const s = await open(freshName('index-params'), { persistence: 'memory' } as never);
  await s.createCollection('c', { vectors: { size: 2, distance: 'Dot' } });
  return s;
}

test('a keyword index with fields only other index types have (ignored by Qdrant) is created', async () => {
  const s = await store();
  await expect(s.createPayloadIndex('c', { field_name: 'k', field_schema: { type: 'keyword', lowercase: 'yes' } as never, wait: true })).resolves.toBeTruthy();
  await expect(s.createPayloadIndex('c', { field_name: 'n', field_schema: { type: 'keyword', range: 5 } as never, wait: true })).resolves.toBeTruthy();
  await s.close();
});

test('a text index with max_token_len beyond 2^53 (a valid usize) is created', async () => {
  const s = await store();
  await expect(
    s.createPayloadIndex('c', { field_name: 't', field_schema: { type: 'text', tokenizer: 'word', max_token_len: 10_000_000_000_000_000_000n } as never, wait: true }),
  ).resolves.toBeTruthy();
  await s.close();
});
