/**
 * Review of the collection-file export/import (src/transfer): round trips that change data,
 * and a checked Blob that still half-writes an existing collection.
 *
 * References:
 * - README "Export and import": `importCollection(otherStore, file) // same config, payload
 *   indexes, points, vectors bit-exact`, and "A Blob or ArrayBuffer is checked whole … before
 *   anything is written, so a bad or cut file leaves the target absent or unchanged."
 * - src/transfer/format.ts header comment: payloads are JSON, "integers beyond 2^53 are raw JSON
 *   integers, read back exactly" (only integers; other numbers are meant to stay numbers).
 */
import { describe, expect, test } from 'vitest';
import { exportCollection, importCollection } from '../../src/transfer';
import { frameOf, FRAME_BYTES } from '../../src/transfer/format';
import { failure, open } from './store';

describe('review: collection file round trips keep payload values', () => {
  test('a payload value of -0 comes back as -0 (README: same points after export → import)', async () => {
    const source = await open();
    await source.createCollection('c', { vectors: { size: 2, distance: 'Dot' } });
    await source.upsert('c', { points: [{ id: 1, vector: [1, 2], payload: { z: -0 } }], wait: true });
    // The engine keeps -0 as given.
    const [before] = await source.retrieve('c', { ids: [1] });
    expect(Object.is((before.payload as { z: number }).z, -0)).toBe(true);

    const target = await open();
    await importCollection(target, await exportCollection(source, 'c'));
    const [after] = await target.retrieve('c', { ids: [1] });
    // veclite writes the payload with JSON.stringify, which prints -0 as "0": it comes back as +0.
    expect(Object.is((after.payload as { z: number }).z, -0)).toBe(true);
    await Promise.all([source.close(), target.close()]);
  });

  test('a payload number above 2^53 stays a number (only integers beyond 2^53 are written as raw integers)', async () => {
    const source = await open();
    await source.createCollection('c', { vectors: { size: 1, distance: 'Dot' } });
    await source.upsert('c', { points: [{ id: 1, vector: [1], payload: { v: 1e18 } }], wait: true });
    const [before] = await source.retrieve('c', { ids: [1] });
    expect(typeof (before.payload as { v: unknown }).v).toBe('number');

    const target = await open();
    await importCollection(target, await exportCollection(source, 'c'));
    const [after] = await target.retrieve('c', { ids: [1] });
    // The file holds "1000000000000000000" (JSON.stringify of the double), which the importer
    // reads as an exact integer: the value comes back as the bigint 1000000000000000000n.
    expect(after.payload).toEqual(before.payload);
    expect(typeof (after.payload as { v: unknown }).v).toBe('number');
    await Promise.all([source.close(), target.close()]);
  });
});

describe('review: a checked Blob must not half-write an existing collection', () => {
  test('a non-finite vector in a later chunk: 400 before anything is written, the existing collection unchanged', async () => {
    const source = await open();
    await source.createCollection('c', { vectors: { size: 2, distance: 'Dot' } });
    await source.upsert('c', { points: [1, 2, 3, 4].map((id) => ({ id, vector: [id, 0.5] })), wait: true });
    const bytes = new Uint8Array(await (await exportCollection(source, 'c', { batchSize: 2 })).arrayBuffer());

    // Records: HEAD, PNTS (ids 1, 2), PNTS (ids 3, 4), DONE. Put NaN into the last vector of the
    // second PNTS and recompute its CRC: a well-framed file holding a vector the engine refuses.
    const view = new DataView(bytes.buffer);
    const starts: number[] = [];
    for (let at = 8; at < bytes.length; at += FRAME_BYTES + view.getUint32(at + 4, true)) starts.push(at);
    const at = starts[2];
    const length = view.getUint32(at + 4, true);
    const body = bytes.slice(at + FRAME_BYTES, at + FRAME_BYTES + length);
    new DataView(body.buffer).setFloat32(body.length - 4, Number.NaN, true);
    const bad = bytes.slice();
    bad.set(frameOf('PNTS', body), at);
    bad.set(body, at + FRAME_BYTES);

    const target = await open();
    await target.createCollection('c', { vectors: { size: 2, distance: 'Dot' } });
    await target.upsert('c', { points: [{ id: 100, vector: [1, 1], payload: { mine: true } }], wait: true });

    const error = await failure(importCollection(target, new Blob([bad]), { intoExisting: true, batchSize: 2 }));
    expect(error.status).toBe(400);
    // README: a Blob is checked whole before anything is written, so the target is unchanged.
    // veclite's checking pass does not look at vector values; the upsert of the second batch
    // fails after the first was written ("…; 2 of 4 points had been imported into `c`").
    expect(error.message).not.toMatch(/had been imported/);
    expect((await target.count('c')).count).toBe(1);
    await Promise.all([source.close(), target.close()]);
  });
});
