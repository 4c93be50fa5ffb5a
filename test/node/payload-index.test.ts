/**
 * Payload indexes (API.md §10) change how fast a filter runs, never what it returns (except text
 * indexes, whose token semantics are Qdrant's). Checked by running the same filters on two
 * stores holding the same points, one with indexes and one without, through writes, deletes, a
 * rolled-back batch and a reopen; and by the size of the candidate sets the indexes produce.
 */
import { describe, expect, test } from 'vitest';
import { PayloadIndex, filterCandidates } from '../../src/filter/payload-index';
import { parseFilter } from '../../src/filter/parse';
import { rng } from '../support/reference';
import { failure, freshName, open } from './store';

const CITIES = ['Berlin', 'London', 'Paris', 'Rome', 'Oslo'];

function payloadFor(i: number, next: () => number) {
  // Several dates sit exactly on the filters' bounds, where a wrong candidate set would show.
  const bounds = ['2024-03-10T00:00:00Z', '2024-03-20T00:00:00Z', '2024-03-05T08:00:00Z', '2024-03-05T10:00:00+02:00'];
  const day = 1 + Math.floor(next() * 28);
  const randomWhen = `2024-03-${String(day).padStart(2, '0')}T${next() < 0.5 ? '10:00:00Z' : '23:30:00+02:00'}`;
  return {
    city: next() < 0.1 ? [CITIES[i % 5], CITIES[(i + 1) % 5]] : CITIES[i % 5],
    count: Math.floor(next() * 20) - 5,
    price: next() < 0.1 ? 2.5 : next() < 0.05 ? 50 : Math.round(next() * 1000) / 10,
    flag: next() < 0.5,
    when: next() < 0.2 ? bounds[i % bounds.length] : randomWhen,
    ...(next() < 0.2 ? { missing: true } : {}),
  };
}

const FILTERS = [
  { must: [{ key: 'city', match: { value: 'Berlin' } }] },
  { must: [{ key: 'city', match: { any: ['Rome', 'Oslo'] } }, { key: 'flag', match: { value: true } }] },
  { must: [{ key: 'count', match: { value: 3 } }] },
  { must: [{ key: 'count', match: { any: [0, 1, 2] } }] },
  { must: [{ key: 'count', range: { gte: 10 } }] },
  { must: [{ key: 'price', range: { gt: 2.5, lt: 50 } }] },
  { must: [{ key: 'price', range: { lte: 2.5 } }] },
  { must: [{ key: 'when', range: { gte: '2024-03-10T00:00:00Z', lt: '2024-03-20' } }] },
  { must: [{ key: 'when', range: { gt: '2024-03-05T08:00:00Z' } }, { key: 'city', match: { value: 'Paris' } }] },
  { must: [{ has_id: [1, 2, 3, 500] }, { key: 'flag', match: { value: false } }] },
  { must: [{ key: 'count', match: { value: 'not-a-number' } }] },
  { must: [{ must: [{ key: 'city', match: { value: 'London' } }] }], must_not: [{ key: 'count', range: { lt: 0 } }] },
  { should: [{ key: 'city', match: { value: 'Berlin' } }, { key: 'count', match: { value: 4 } }] },
];

async function pair() {
  const plain = await open(freshName(), { compactEvery: 3 });
  const indexed = await open(freshName(), { compactEvery: 3 });
  for (const store of [plain, indexed]) await store.createCollection('c', { vectors: { size: 2, distance: 'Dot' } });
  for (const [field, schema] of [['city', 'keyword'], ['count', 'integer'], ['price', 'float'], ['flag', 'bool'], ['when', 'datetime']] as const) {
    await indexed.createPayloadIndex('c', { field_name: field, field_schema: schema, wait: true });
  }
  return { plain, indexed };
}

async function sameAnswers(plain: Awaited<ReturnType<typeof open>>, indexed: Awaited<ReturnType<typeof open>>) {
  for (const filter of FILTERS) {
    const a = await plain.scroll('c', { filter, limit: 1000, with_payload: false });
    const b = await indexed.scroll('c', { filter, limit: 1000, with_payload: false });
    expect(b.points, JSON.stringify(filter)).toEqual(a.points);
    expect((await indexed.count('c', { filter })).count).toBe(a.points.length);
    // Versions differ (creating the indexes used operation ids); ids and scores must not.
    const hits = async (store: typeof plain) =>
      (await store.query('c', { query: [1, 0.5], filter, limit: 7 })).points.map((p) => [p.id, p.score]);
    expect(await hits(indexed), JSON.stringify(filter)).toEqual(await hits(plain));
  }
}

describe('payload indexes (API.md §10)', () => {
  test('indexed and unindexed stores answer every filter the same, through writes, deletes, a failed batch and a reopen', async () => {
    const { plain, indexed } = await pair();
    const next = rng(77);
    const points = Array.from({ length: 600 }, (_, i) => ({ id: i, vector: [next(), next()], payload: payloadFor(i, next) }));
    for (const store of [plain, indexed]) await store.upsert('c', { points });
    await sameAnswers(plain, indexed);

    for (const store of [plain, indexed]) {
      await store.deletePayload('c', { keys: ['when'], points: [10, 11, 12] });
      await store.overwritePayload('c', { payload: { count: 3 }, points: [20] });
      await store.clearPayload('c', { points: [21] });
      await store.delete('c', { filter: { must: [{ key: 'count', range: { lt: -3 } }] } });
      await store.setPayload('c', { payload: { city: 'Oslo', count: 3 }, filter: { must: [{ key: 'flag', match: { value: true } }, { key: 'price', range: { lt: 10 } }] } });
      await store.upsert('c', { points: [{ id: 1000, vector: [1, 1], payload: { city: 'Berlin', count: 3, when: '2024-03-15' } }] });
      const error = await failure(store.batchUpdate('c', { operations: [{ set_payload: { payload: { city: 'Rome' }, filter: {} } }, { clear_payload: { points: [99999] } }] }));
      expect(error.status).toBe(404);
    }
    await sameAnswers(plain, indexed);
    expect((await indexed.getCollection('c')).payload_schema).toMatchObject({
      city: { data_type: 'keyword' },
      count: { data_type: 'integer' },
      when: { data_type: 'datetime' },
    });

    const names = [plain.storeName, indexed.storeName];
    await plain.close();
    await indexed.close();
    await sameAnswers(await open(names[0]), await open(names[1]));
  });

  test('payload_schema counts the points holding a value of the index type', async () => {
    const store = await open();
    await store.createCollection('c', { vectors: { size: 1, distance: 'Dot' } });
    await store.upsert('c', {
      points: [
        { id: 1, vector: [1], payload: { tag: 'a', n: 1 } },
        { id: 2, vector: [1], payload: { tag: ['b', 'c'], n: 'x' } },
        { id: 3, vector: [1], payload: { tag: 7 } },
        { id: 4, vector: [1] },
      ],
    });
    await store.createPayloadIndex('c', { field_name: 'tag', field_schema: { type: 'keyword', is_tenant: true }, wait: true });
    await store.createPayloadIndex('c', { field_name: 'n', field_schema: 'integer', wait: true });
    expect((await store.getCollection('c')).payload_schema).toEqual({
      tag: { data_type: 'keyword', params: { type: 'keyword', is_tenant: true }, points: 2 },
      n: { data_type: 'integer', points: 1 },
    });
    await store.delete('c', { points: [1] });
    expect((await store.getCollection('c')).payload_schema).toMatchObject({ tag: { points: 1 }, n: { points: 0 } });
    expect(await failure(store.createPayloadIndex('c', { field_name: 'x', field_schema: 'nope' }))).toMatchObject({ status: 400 });
    await store.close();
  });

  test('a text index matches tokens, not substrings (API.md §9.3)', async () => {
    const store = await open();
    await store.createCollection('c', { vectors: { size: 1, distance: 'Dot' } });
    await store.upsert('c', {
      points: [
        { id: 1, vector: [1], payload: { text: 'A mercury Thermometer measures temperature' } },
        { id: 2, vector: [1], payload: { text: 'temperatures of the thermometers' } },
        { id: 3, vector: [1], payload: { text: 'measures thermometer, a mercury one' } },
      ],
    });
    const ids = async (match: Record<string, string>) =>
      (await store.scroll('c', { filter: { must: [{ key: 'text', match }] }, with_payload: false })).points.map((p) => p.id);
    // Without an index: case-sensitive substrings.
    expect(await ids({ text: 'thermometer' })).toEqual([2, 3]);
    expect(await ids({ text: 'mercury thermometer' })).toEqual([]);
    await store.createPayloadIndex('c', { field_name: 'text', field_schema: { type: 'text', tokenizer: 'word', lowercase: true, phrase_matching: true }, wait: true });
    // With it: every token present, any order, lowercased; "thermometers" is another token.
    expect(await ids({ text: 'thermometer' })).toEqual([1, 3]);
    expect(await ids({ text: 'Mercury THERMOMETER' })).toEqual([1, 3]);
    expect(await ids({ text_any: 'temperatures measures' })).toEqual([1, 2, 3]);
    expect(await ids({ phrase: 'mercury thermometer' })).toEqual([1]);
    await store.close();
  });

  test('candidate sets are narrow: a 1% keyword filter and a has_id list look at ~1% of the points', () => {
    const index = new PayloadIndex('tenant', 'keyword');
    const slots = new Map<string, number>();
    for (let slot = 0; slot < 10_000; slot++) {
      index.set(slot, { tenant: `t${slot % 100}` });
      slots.set(String(slot), slot);
    }
    const indexes = new Map([['tenant', index]]);
    const candidates = filterCandidates(parseFilter({ must: [{ key: 'tenant', match: { value: 't7' } }] }), indexes, (k) => slots.get(k));
    expect(candidates?.size).toBe(100);
    expect([...candidates!].every((slot) => slot % 100 === 7)).toBe(true);
    const byId = filterCandidates(parseFilter({ must: [{ has_id: [1, 2, 3] }] }), indexes, (k) => slots.get(k));
    expect([...byId!].sort()).toEqual([1, 2, 3]);
    // Conditions an index cannot answer leave the scan to every point.
    expect(filterCandidates(parseFilter({ should: [{ key: 'tenant', match: { value: 't7' } }] }), indexes, (k) => slots.get(k))).toBeUndefined();
    expect(filterCandidates(parseFilter({ must: [{ key: 'other', match: { value: 'x' } }] }), indexes, (k) => slots.get(k))).toBeUndefined();
  });
});
