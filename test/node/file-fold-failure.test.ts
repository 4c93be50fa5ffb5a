/**
 * The file backend's compaction commits when its journal file is durable, and only then writes
 * the chunk files. A failure after that point must not reject: the engine would undo a folded
 * batch in memory and report it failed, and the next open, finishing the journal, would bring it
 * back ("a failed commit changes nothing" would not hold). The write stands; later writes are
 * refused until a reopen has applied the journal.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { Engine } from '../../src/engine/engine';
import type { Coordinator } from '../../src/storage/coordinator';
import { fileStorage } from '../../src/storage/file';
import { loadKernels } from '../../src/wasm/kernels';

const WAIT = { wait: true };
const deaf = (): Coordinator => ({ exclusive: (work) => work(), announce: () => {}, onChange: () => {}, close: () => {} });

async function engine(dir: string): Promise<Engine> {
  // Batches of 16+ 4-d points are folded batches.
  return Engine.open({ storage: fileStorage(dir, { fsync: false }), kernels: await loadKernels(), coordinator: deaf(), foldBytes: 16 * 4 * 4 });
}

const points = (from: number, count: number) => Array.from({ length: count }, (_, i) => ({ id: from + i, vector: [from + i, 1, 2, 3], payload: { n: from + i } }));

describe('file backend: a folded batch whose compaction fails after its journal is durable', () => {
  test('the batch is acknowledged (it committed), later writes are refused, and a reopen has exactly what was acknowledged', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'veclite-fold-failure-'));
    const e = await engine(dir);
    await e.createCollection('c', { vectors: { size: 4, distance: 'Dot' } });
    await e.upsert('c', { points: points(0, 2) }, WAIT); // a log record
    // The collection's chunk directory cannot be created (a file is in the way), as a full disk
    // or an I/O error would fail any step after the journal.
    const [record] = readdirSync(join(dir, 'collections'));
    const blocker = join(dir, 'chunks', record.replace(/\.rec$/, ''));
    writeFileSync(blocker, 'in the way');
    expect(await e.upsert('c', { points: points(100, 20) }, WAIT)).toEqual({ operation_id: 2, status: 'completed' });
    const acknowledged = [0, 1, ...points(100, 20).map((p) => p.id)];
    const ids = async (engine: Engine) => (await engine.scroll('c', { limit: 100 })).points.map((p) => p.id);
    expect(await ids(e)).toEqual(acknowledged);
    // The next write is refused with the reason, and changes nothing.
    await expect(e.upsert('c', { points: points(200, 1) }, WAIT)).rejects.toThrow(/earlier write failed/);
    expect(await ids(e)).toEqual(acknowledged);
    await e.close();
    rmSync(blocker); // the cause passes; the store is opened again
    const reopened = await engine(dir);
    expect(await ids(reopened)).toEqual(acknowledged);
    await reopened.upsert('c', { points: points(200, 1) }, WAIT);
    expect(await ids(reopened)).toEqual([...acknowledged, 200]);
    await reopened.close();
    rmSync(dir, { recursive: true, force: true });
  });
});
