// Kernels in Node 20: only the plain SIMD flavour runs here (Node 20 rejects relaxed SIMD).
import { describe, expect, it } from 'vitest';
import { loadKernels } from '../../src/wasm/kernels';
import { heapSuite, kernelSuite } from '../support/kernels-suite';

describe('loadKernels in Node', () => {
  it("'auto' falls back to plain SIMD", async () => {
    const kernels = await loadKernels();
    expect(kernels.flavour).toBe('simd');
    expect((await loadKernels({ flavour: 'auto' })).flavour).toBe('simd');
  });

  it('explicit relaxed-simd fails with an error naming the SIMD requirement', async () => {
    await expect(loadKernels({ flavour: 'relaxed-simd' })).rejects.toThrow(/SIMD/);
  });
});

kernelSuite('simd', () => loadKernels({ flavour: 'simd' }));
heapSuite();
