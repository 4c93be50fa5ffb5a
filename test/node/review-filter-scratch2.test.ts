import { test, expect } from 'vitest';
import fc from 'fast-check';
import { PayloadIndex, filterCandidates, textIndexLookup } from '../../src/filter/payload-index';
import { parseFilter } from '../../src/filter/parse';
import { compileFilter } from '../../src/filter/evaluate';

const scalar = fc.oneof(
  fc.constantFrom('a', 'b', 'A', '', '2024-01-01T00:00:00Z', '2024-01-01', '2023-12-31T23:59:59.9999999Z', '550e8400-e29b-41d4-a716-446655440000'),
  fc.integer({ min: -3, max: 3 }),
  fc.constantFrom(0.5, 1.5, -0.0, 2 ** 53, 2 ** 53 + 2, 1e300, -1e300),
  fc.boolean(),
  fc.constant(null),
  fc.constant({ lon: 1, lat: 2 }),
);
const value = fc.oneof(scalar, fc.array(scalar, { maxLength: 3 }), fc.array(fc.array(scalar, { maxLength: 2 }), { maxLength: 2 }));
const payload = fc.record({ f: value, g: fc.array(fc.record({ h: value }), { maxLength: 2 }) }, { requiredKeys: [] });
const types = ['keyword', 'integer', 'float', 'bool', 'datetime', 'uuid', 'text', 'geo'] as const;
const key = fc.constantFrom('f', 'g[].h', 'f[]');
const anyVals = fc.oneof(fc.array(fc.constantFrom('a', 'b', 'A', '550e8400-e29b-41d4-a716-446655440000'), { maxLength: 3 }), fc.array(fc.integer({ min: -3, max: 3 }), { maxLength: 3 }));
const cond = fc.oneof(
  fc.record({ key, match: fc.record({ value: fc.oneof(fc.constantFrom('a', 'A', '550e8400-e29b-41d4-a716-446655440000'), fc.integer({ min: -3, max: 3 }), fc.boolean(), fc.constant(2 ** 53)) }) }),
  fc.record({ key, match: fc.record({ any: anyVals }) }),
  fc.record({ key, match: fc.record({ except: anyVals }) }),
  fc.record({ key, range: fc.record({ gt: fc.double({ min: -4, max: 4, noNaN: true }), lte: fc.integer({ min: -4, max: 4 }) }, { requiredKeys: [] }) }),
  fc.record({ key, range: fc.record({ gte: fc.constantFrom('2024-01-01', '2023-12-31T23:59:59.9999999Z', '2024-01-01T00:00:00.0000001Z'), lt: fc.constantFrom('2024-01-01', '2024-01-02') }, { requiredKeys: [] }) }),
);
test('index vs scan', () => {
  fc.assert(fc.property(fc.array(payload, { maxLength: 8 }), fc.array(fc.constantFrom(...types), { minLength: 1, maxLength: 1 }), key, fc.array(cond, { minLength: 1, maxLength: 2 }), (payloads, [type], ikey, conds) => {
    const index = new PayloadIndex(ikey, type);
    payloads.forEach((p, slot) => index.set(slot, p as never));
    const indexes = new Map([[ikey, index]]);
    const filter = parseFilter({ must: conds });
    const plain = compileFilter(filter);
    const scan = payloads.map((p, slot) => (plain({ key: String(slot), payload: p as never, hasVector: () => false }) ? slot : -1)).filter((s) => s >= 0);
    const cands = filterCandidates(filter, indexes, () => undefined);
    const withIdx = compileFilter(filter, { textIndex: textIndexLookup(indexes) });
    const got = payloads.map((p, slot) => ((!cands || cands.has(slot)) && withIdx({ key: String(slot), payload: p as never, hasVector: () => false }) ? slot : -1)).filter((s) => s >= 0);
    expect(got).toEqual(scan);
  }), { numRuns: 20000 });
});
