// int8 encode / scan kernels in Node 20 (plain SIMD flavour).
import { loadKernels } from '../../src/wasm/kernels';
import { int8KernelSuite } from '../support/ivf-suite';

int8KernelSuite('simd', () => loadKernels({ flavour: 'simd' }));
