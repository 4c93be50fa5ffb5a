// Kernels in headless Chromium: both flavours run explicitly (Chromium supports relaxed SIMD).
import { describe, expect, it } from 'vitest';
import { loadKernels } from '../../src/wasm/kernels';
import { heapSuite, kernelSuite } from '../support/kernels-suite';

describe('loadKernels in Chromium', () => {
  it("'auto' picks relaxed SIMD", async () => {
    const kernels = await loadKernels();
    expect(kernels.flavour).toBe('relaxed-simd');
  });

  it('loads each flavour on request', async () => {
    expect((await loadKernels({ flavour: 'simd' })).flavour).toBe('simd');
    expect((await loadKernels({ flavour: 'relaxed-simd' })).flavour).toBe('relaxed-simd');
  });
});

kernelSuite('relaxed-simd', () => loadKernels({ flavour: 'relaxed-simd' }));
kernelSuite('simd', () => loadKernels({ flavour: 'simd' }));
heapSuite();
