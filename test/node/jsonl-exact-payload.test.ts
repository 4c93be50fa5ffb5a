/**
 * JSONL import keeps payload integers beyond 2^53 exactly (as BigInt, which the engine stores and
 * a `.veclite` export writes as raw JSON integers), the way the REST facade reads request bodies;
 * before, they became the nearest double, so a round trip through JSONL changed them.
 */
import { expect, test } from 'vitest';
import { exportJsonl, importJsonl } from '../../src/transfer';
import { parseJsonLine } from '../../src/transfer/json-line';
import { open } from './store';

const LINE =
  '{"id": 7, "vector": [0.5, 12345678901234567890, 1e20], "payload": {"u64": 18446744073709551615, "i64": -9223372036854775808, ' +
  '"just_above": 9007199254740993, "safe": 9007199254740991, "exp": 1e20, "frac": 12345678901234567890.5, "list": [9007199254740995], "__proto__": {"deep": 9007199254740997}}}';

test.each([false, true])('payload integers beyond 2^53 are exact; vectors and non-integers stay numbers (portable parser: %s)', (portable) => {
  const value = parseJsonLine(LINE, { portable }) as { id: number; vector: number[]; payload: Record<string, unknown> };
  expect(value.id).toBe(7);
  expect(value.vector).toEqual([0.5, 12345678901234567890, 1e20]);
  const payload = value.payload;
  expect(payload.u64).toBe(18446744073709551615n);
  expect(payload.i64).toBe(-9223372036854775808n);
  expect(payload.just_above).toBe(9007199254740993n);
  expect(payload.safe).toBe(9007199254740991);
  expect(payload.exp).toBe(1e20);
  expect(payload.frac).toBe(12345678901234567890.5);
  expect(payload.list).toEqual([9007199254740995n]);
  expect(Object.getPrototypeOf(payload)).toBe(Object.prototype);
  expect(Object.getOwnPropertyDescriptor(payload, '__proto__')?.value).toEqual({ deep: 9007199254740997n });
});

test('a JSONL round trip keeps large payload integers: import, export, import again', async () => {
  const store = await open();
  const text = '{"id": 1, "vector": [1, 0], "payload": {"n": 9007199254740993, "m": [18446744073709551615]}}\n';
  await importJsonl(store, 'a', text, { create: { vectors: { size: 2, distance: 'Dot' } } });
  const [point] = await store.retrieve('a', { ids: [1] });
  expect(point.payload).toEqual({ n: 9007199254740993n, m: [18446744073709551615n] });
  const exported = await (await exportJsonl(store, 'a')).text();
  expect(exported).toContain('"n":9007199254740993');
  expect(exported).toContain('"m":[18446744073709551615]');
  await importJsonl(store, 'b', exported, { create: { vectors: { size: 2, distance: 'Dot' } } });
  expect((await store.retrieve('b', { ids: [1] }))[0].payload).toEqual(point.payload);
  await store.close();
});
