// WasmHeap against a model of live intervals (fast-check). Every block is
// 16-aligned, inside memory, disjoint from every other live block, keeps its bytes through other
// blocks' allocs / frees / reallocs (memory growth included), and its own bytes through realloc;
// freeing everything gives all the space back (the next alloc starts at the base again).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { WasmHeap } from '../../src/wasm/heap';

type Op =
  | { kind: 'alloc'; bytes: number }
  | { kind: 'free'; pick: number }
  | { kind: 'realloc'; pick: number; bytes: number };

const size = fc.oneof(fc.integer({ min: 0, max: 64 }), fc.integer({ min: 0, max: 5000 }), fc.integer({ min: 60000, max: 140000 }));
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: size.map((bytes) => ({ kind: 'alloc' as const, bytes })) },
  { weight: 3, arbitrary: fc.nat().map((pick) => ({ kind: 'free' as const, pick })) },
  { weight: 3, arbitrary: fc.tuple(fc.nat(), size).map(([pick, bytes]) => ({ kind: 'realloc' as const, pick, bytes })) },
);

interface Live {
  ptr: number;
  bytes: number; // requested
  tag: number;
}

function fill(memory: WebAssembly.Memory, block: Live): void {
  const view = new Uint8Array(memory.buffer, block.ptr, block.bytes);
  for (let i = 0; i < view.length; i++) view[i] = (block.tag * 31 + i * 7) & 255;
}

function check(memory: WebAssembly.Memory, block: Live, upTo = block.bytes): void {
  const view = new Uint8Array(memory.buffer, block.ptr, upTo);
  for (let i = 0; i < view.length; i++) {
    if (view[i] !== ((block.tag * 31 + i * 7) & 255)) throw new Error(`block ${block.ptr} (tag ${block.tag}) lost byte ${i}`);
  }
}

describe('WasmHeap: property against a model of live intervals', () => {
  it('blocks stay aligned, disjoint and intact; everything freed is reusable (fast-check, seed 11)', () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 120 }), fc.integer({ min: 0, max: 200 }), (ops, baseOffset) => {
        const memory = new WebAssembly.Memory({ initial: 1, maximum: 2000 });
        const heap = new WasmHeap(memory, baseOffset);
        const live: Live[] = [];
        let tag = 1;
        for (const o of ops) {
          if (o.kind === 'alloc' || live.length === 0) {
            const bytes = o.kind === 'free' ? 8 : o.bytes;
            const ptr = heap.alloc(bytes);
            const block = { ptr, bytes, tag: tag++ };
            fill(memory, block);
            live.push(block);
          } else if (o.kind === 'free') {
            const [block] = live.splice(o.pick % live.length, 1);
            check(memory, block);
            heap.free(block.ptr);
            expect(() => heap.free(block.ptr)).toThrow();
          } else {
            const i = o.pick % live.length;
            const block = live[i];
            const kept = Math.min(block.bytes, o.bytes);
            const ptr = heap.realloc(block.ptr, o.bytes);
            check(memory, { ...block, ptr }, kept);
            live[i] = { ptr, bytes: o.bytes, tag: tag++ };
            fill(memory, live[i]);
          }
          // Invariants over every live block.
          const sorted = [...live].sort((a, b) => a.ptr - b.ptr);
          for (let j = 0; j < sorted.length; j++) {
            const b = sorted[j];
            const rounded = heap.sizeOf(b.ptr)!;
            expect(b.ptr % 16).toBe(0);
            expect(b.ptr).toBeGreaterThanOrEqual(Math.max(16, baseOffset));
            expect(rounded).toBeGreaterThanOrEqual(Math.max(16, b.bytes));
            expect(b.ptr + rounded).toBeLessThanOrEqual(memory.buffer.byteLength);
            if (j > 0) expect(sorted[j - 1].ptr + heap.sizeOf(sorted[j - 1].ptr)!).toBeLessThanOrEqual(b.ptr);
          }
          expect(heap.blockCount).toBe(live.length);
        }
        for (const block of live) check(memory, block);
        // Free in a shuffled order; the space must all come back to the bump pointer.
        const order = live.map((b, i) => ({ b, k: (i * 7919) % (live.length + 1) })).sort((x, y) => x.k - y.k);
        for (const { b } of order) heap.free(b.ptr);
        expect(heap.blockCount).toBe(0);
        expect(heap.usedBytes).toBe(0);
        const bytesBefore = memory.buffer.byteLength;
        const again = heap.alloc(16);
        expect(again).toBe(heap.base);
        heap.free(again);
        // A block as large as all memory carved so far fits without growing past what it needs.
        const big = heap.alloc(bytesBefore - heap.base);
        expect(big).toBe(heap.base);
        expect(memory.buffer.byteLength).toBe(bytesBefore);
      }),
      { seed: 11, numRuns: 150 },
    );
  });
});
