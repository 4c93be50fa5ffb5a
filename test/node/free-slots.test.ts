/**
 * Free slots are handed out lowest first, whatever order they were freed in (so that two tabs
 * replaying the same writes put every point in the same slot; see src/engine/free-slots.ts).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FreeSlots } from '../../src/engine/free-slots';

describe('FreeSlots', () => {
  it('property: any mix of adds and takes hands out the lowest slot present (fast-check, seed 3)', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.nat(5000), fc.constant(-1)), { maxLength: 400 }), (ops) => {
        const slots = new FreeSlots();
        const model = new Set<number>();
        for (const op of ops) {
          if (op === -1) {
            const expected = model.size ? Math.min(...model) : undefined;
            expect(slots.takeLowest()).toBe(expected);
            if (expected !== undefined) model.delete(expected);
          } else if (!model.has(op)) {
            slots.add(op);
            model.add(op);
          }
          expect(slots.size).toBe(model.size);
        }
      }),
      { numRuns: 200, seed: 3 },
    );
  });

  it('save and restore go back to an earlier state (a failed batch); resetSorted takes a sorted list', () => {
    const slots = new FreeSlots();
    for (const slot of [9, 3, 7]) slots.add(slot);
    const saved = slots.save();
    expect(slots.takeLowest()).toBe(3);
    slots.add(1);
    slots.restore(saved);
    expect([slots.takeLowest(), slots.takeLowest(), slots.takeLowest(), slots.takeLowest()]).toEqual([3, 7, 9, undefined]);
    slots.resetSorted([2, 4, 8]);
    slots.add(5);
    expect([slots.takeLowest(), slots.takeLowest(), slots.takeLowest(), slots.takeLowest()]).toEqual([2, 4, 5, 8]);
  });
});
