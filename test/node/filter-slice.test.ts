import { describe, expect, test } from 'vitest';
import { compileFilter, idBytes, pointSlice, siphash24 } from '../../src/filter/evaluate';
import { parseFilter } from '../../src/filter/parse';

const referenceKey = { k0: 0x0706050403020100n, k1: 0x0f0e0d0c0b0a0908n };
const message = (length: number) => Uint8Array.from({ length }, (_, i) => i);

describe('§9.4 slice: siphash24(key 0, id bytes) % total', () => {
  test('SipHash-2-4 reference vectors (key 00…0f, message 00…(n-1))', () => {
    // From the SipHash paper / reference vectors.h (also used by qdrant-client's test_siphash.py).
    const expected: Array<[number, bigint]> = [
      [0, 0x726fdb47dd0e0e31n],
      [1, 0x74f839c593dc67fdn],
      [2, 0x0d6c8009d9a94f5an],
      [3, 0x85676696d7fb7e2dn],
      [4, 0xcf2794e0277187b7n],
      [5, 0x18765564cd99a68dn],
      [6, 0xcbc9466e58fee3cen],
      [7, 0xab0200f58b01d137n],
      [8, 0x93f5f5799a932462n],
      [15, 0xa129ca6149be45e5n], // the paper's worked example
      [63, 0x958a324ceb064572n],
    ];
    for (const [length, hash] of expected) {
      expect(siphash24(message(length), referenceKey.k0, referenceKey.k1)).toBe(hash);
    }
  });

  test('id bytes: 8 little-endian bytes for numbers, 16 RFC 4122 bytes for UUIDs', () => {
    expect([...idBytes('1')]).toEqual([1, 0, 0, 0, 0, 0, 0, 0]);
    expect([...idBytes('258')]).toEqual([2, 1, 0, 0, 0, 0, 0, 0]);
    expect([...idBytes('18446744073709551615')]).toEqual([255, 255, 255, 255, 255, 255, 255, 255]);
    expect([...idBytes('00112233-4455-6677-8899-aabbccddeeff')]).toEqual([
      0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff,
    ]);
  });

  test('zero-key hashes of ids (checked against an independent bigint implementation)', () => {
    expect(siphash24(idBytes('0'))).toBe(0xe849e8bb6ffe2567n);
    expect(siphash24(idBytes('1'))).toBe(0x8004c5a694105f5en);
    expect(siphash24(idBytes('4294967296'))).toBe(0x750433b8cac87f0cn);
    expect(siphash24(idBytes('18446744073709551615'))).toBe(0x8050c18b6ac9d15en);
    expect(siphash24(idBytes('00112233-4455-6677-8899-aabbccddeeff'))).toBe(0x144f401cefe78024n);
    expect(pointSlice('12345', 1000)).toBe(610);
    expect(pointSlice('0', 7)).toBe(3);
  });

  test('the slice condition keeps the points whose hash falls in the slice', () => {
    const check = (total: number, index: number, key: string) =>
      compileFilter(parseFilter({ must: { slice: { total, index } } }))({ key, payload: {}, hasVector: () => false });
    expect(check(4, 3, '0')).toBe(true);
    expect(check(4, 2, '1')).toBe(true);
    expect(check(4, 0, '1')).toBe(false);
    expect(check(7, 0, '550e8400-e29b-41d4-a716-446655440000')).toBe(true);
    expect(check(1, 0, '987654321')).toBe(true);
  });

  test('slices of one total partition the ids; a finer slice sits inside a coarser one', () => {
    const ids = [...Array.from({ length: 300 }, (_, i) => String(i)), '00112233-4455-6677-8899-aabbccddeeff'];
    for (const total of [1, 3, 8]) {
      const filters = Array.from({ length: total }, (_, index) => compileFilter(parseFilter({ must: { slice: { total, index } } })));
      for (const key of ids) {
        const hits = filters.filter((f) => f({ key, payload: {}, hasVector: () => false }));
        expect(hits).toHaveLength(1);
      }
    }
    const fine = ids.filter((key) => pointSlice(key, 4) === 0);
    expect(fine.length).toBeGreaterThan(0);
    expect(fine.every((key) => pointSlice(key, 2) === 0)).toBe(true);
  });
});
