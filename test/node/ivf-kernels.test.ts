// k-means / IVF kernels and the IVF ≡ flat property in Node 20 (plain SIMD flavour).
import { loadKernels } from '../../src/wasm/kernels';
import { ivfEqualsFlatSuite, ivfKernelSuite } from '../support/ivf-suite';

const load = () => loadKernels({ flavour: 'simd' });
ivfKernelSuite('simd', load);
ivfEqualsFlatSuite('simd', load);
