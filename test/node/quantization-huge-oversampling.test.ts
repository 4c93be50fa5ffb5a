/**
 * `params.quantization` of a search (API.md §7.1 `params`
 * (SearchParams): "`quantization?` … a flat-index store can accept and ignore them";
 * openapi.json QuantizationSearchParams.oversampling: a double, `minimum: 1`, no maximum).
 * A crash (500) on a request the schema accepts is always a bug (API.md §1.2: 500 is for internal
 * errors only). It failed before the fix.
 */
import { expect, test } from 'vitest';
import { untilGreen } from '../support/indexing';
import { freshName, open } from './store';

const D = 4;
const vectors = Array.from({ length: 300 }, (_, i) => Array.from({ length: D }, (_, j) => Math.sin(i * 7 + j)));

// Qdrant multiplies the limit by `oversampling` to pick candidates from the quantized index and
// can never pick more than the points there are; a large factor only means "rescore everything".
// veclite sized a WASM buffer by limit × oversampling and answered 500 "Service internal error:
// WasmHeap: out of memory growing to 40000000061168 bytes" (and 4e+301 bytes for 1e300).
test.for([
  ['flat + int8', { quantization_config: { scalar: { type: 'int8' } } }],
  ['IVF + int8', { ivf_config: { full_scan_threshold: 100, nlist: 8 }, quantization_config: { scalar: { type: 'int8' } } }],
] as const)('§7.1 %s: params.quantization.oversampling 1e12 is valid (≥ 1) and must not crash with 500', async ([, config]) => {
  const store = await open(freshName('reads-quant'), { persistence: 'memory' });
  try {
    await store.createCollection('c', { vectors: { size: D, distance: 'Euclid' }, ...config } as never);
    await store.upsert('c', { points: vectors.map((vector, i) => ({ id: i + 1, vector })) });
    await untilGreen(store, 'c');
    const exact = await store.query('c', { query: vectors[0], limit: 5, params: { exact: true } });
    for (const oversampling of [1e12, 1e300]) {
      const result = await store.query('c', { query: vectors[0], limit: 5, params: { quantization: { oversampling, rescore: true } } }).catch((error) => error);
      expect(result instanceof Error ? `${(result as { status?: number }).status} ${result.message}` : 'answered').toBe('answered');
      // Every point rescored with the original vectors: the exact answer.
      expect(result).toEqual(exact);
    }
  } finally {
    await store.close();
  }
});
