import { describe, expect, test } from 'vitest';
import { compareIdKeys, idKeyFromPathText, idKeyOf, idOfKey } from '../../src/engine/ids';
import { QdrantError } from '../../src/engine/errors';

// API.md §2: u64 integers or UUIDs in every spelling the Rust uuid crate accepts.
describe('point ids (API.md §2)', () => {
  const canonical = '550e8400-e29b-41d4-a716-446655440000';

  test.each([
    canonical,
    canonical.toUpperCase(),
    '550e8400e29b41d4a716446655440000',
    `{${canonical}}`,
    `urn:uuid:${canonical}`,
    `urn:uuid:${canonical.toUpperCase()}`,
    `{${canonical.toUpperCase()}}`,
  ])('UUID spelling %s names the same point, returned lowercase hyphenated', (spelling) => {
    expect(idOfKey(idKeyOf(spelling))).toBe(canonical);
  });

  test('integers up to u64 max are ids; above 2^53 they come back as bigint', () => {
    expect(idOfKey(idKeyOf(0))).toBe(0);
    expect(idOfKey(idKeyOf(Number.MAX_SAFE_INTEGER))).toBe(Number.MAX_SAFE_INTEGER);
    expect(idOfKey(idKeyOf(18446744073709551615n))).toBe(18446744073709551615n);
  });

  // The uuid crate's shapes only: braces and the (lowercase) URN prefix wrap the hyphenated form.
  test.each([-1, 1.5, 1e300, '42', 'not-a-uuid', 18446744073709551616n, null, {}, [], true, `URN:UUID:${canonical}`, '{550e8400e29b41d4a716446655440000}', 'urn:uuid:550e8400e29b41d4a716446655440000', ` ${canonical}`])(
    '%s is rejected with a 400 Format error',
    (bad) => {
      let error: unknown;
      try {
        idKeyOf(bad);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(QdrantError);
      expect((error as QdrantError).status).toBe(400);
      expect((error as QdrantError).message).toMatch(/^Format error in JSON body: .*not a valid point ID/);
    },
  );

  test('URL path ids are tried as u64 first, then as UUID (API.md §1.2)', () => {
    expect(idKeyFromPathText('42')).toBe('42');
    expect(idKeyFromPathText(canonical.toUpperCase())).toBe(canonical);
    expect(() => idKeyFromPathText('abc')).toThrow('Wrong input: Can not recognize "abc" as point id');
  });

  test('order: integers ascending (numerically), then UUIDs in byte order', () => {
    const keys = ['ffffffff-0000-0000-0000-000000000000', '10', '9', '00000000-0000-0000-0000-000000000001', '18446744073709551615'];
    expect([...keys].sort(compareIdKeys)).toEqual([
      '9',
      '10',
      '18446744073709551615',
      '00000000-0000-0000-0000-000000000001',
      'ffffffff-0000-0000-0000-000000000000',
    ]);
  });
});
