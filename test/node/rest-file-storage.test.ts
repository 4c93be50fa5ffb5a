/**
 * The file-system backend behind `veclite serve --data DIR` (src/storage/file.ts).
 *
 * A crash is simulated by copying the data directory at a chosen moment: every write is a
 * rename of a fully written, fsynced file, so a copy taken between writes is what a crash at
 * that moment leaves. The states inside a compaction are built from a copy taken before it plus
 * the journal (and some of the chunk files) the compaction wrote.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serialize } from 'node:v8';
import { afterAll, describe, expect, test } from 'vitest';
import { openStore, type VecliteClient } from '../../src/client/client';
import { fileStorage, type FileStorage } from '../../src/storage/file';
import type { CompactionSnapshot } from '../../src/storage/types';

const root = mkdtempSync(join(tmpdir(), 'veclite-file-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let counter = 0;
const freshDir = () => join(root, `d${++counter}`);

function open(dir: string, storage: FileStorage = fileStorage(dir), compactEvery = 1000): Promise<VecliteClient> {
  return openStore(`file-${counter}`, { worker: false, persistence: { storage }, compactEvery });
}

/** Everything a store holds, for comparing before and after a reopen. */
async function dump(store: VecliteClient) {
  const out: Record<string, unknown> = {};
  for (const { name } of (await store.getCollections()).collections.sort((a, b) => a.name.localeCompare(b.name))) {
    const info = await store.getCollection(name);
    const { points } = await store.scroll(name, { limit: 100_000, with_payload: true, with_vector: true });
    // Versions (the last operation that wrote each point) come with real hits, not with a listing.
    const vectors = info.config.params.vectors as Record<string, unknown>;
    const [using, size] =
      typeof vectors.size === 'number' ? [undefined, vectors.size] : [Object.keys(vectors)[0], (Object.values(vectors)[0] as { size: number }).size];
    const hits = await store.query(name, { query: new Array(size).fill(1), using, limit: 100_000 });
    const versions = hits.points.map((p) => [p.id, p.version]).sort((x, y) => String(x[0]).localeCompare(String(y[0])));
    out[name] = { count: info.points_count, config: info.config, schema: info.payload_schema, points, versions };
  }
  return out;
}

/** A store that has seen every kind of write. */
async function writeEverything(store: VecliteClient): Promise<void> {
  await store.createCollection('a', { vectors: { size: 3, distance: 'Cosine' } });
  await store.createCollection('b', { vectors: { x: { size: 2, distance: 'Dot' }, y: { size: 1, distance: 'Euclid' } } });
  await store.upsert('a', { points: Array.from({ length: 40 }, (_, i) => ({ id: i, vector: [1, i, i % 3], payload: { i, even: i % 2 === 0 } })) });
  await store.upsert('a', { points: [{ id: 'c0ffee00-0000-4000-8000-000000000001', vector: [0, 0, 1], payload: JSON.parse('{"__proto__": {"x": 1}}') }] });
  await store.upsert('a', { points: [{ id: 2n ** 64n - 1n, vector: [1, 1, 1], payload: { big: true } }] });
  await store.upsert('b', { batch: { ids: [1, 2, 3], vectors: { x: [[1, 0], [0, 1], [1, 1]], y: [[1], [2], [3]] }, payloads: [{ t: 'one' }, null, { t: 'three' }] } });
  await store.delete('a', { points: [3, 4] });
  await store.delete('a', { filter: { must: [{ key: 'i', range: { gte: 30 } }] } });
  await store.setPayload('a', { payload: { tag: 'x' }, points: [1, 2] });
  await store.overwritePayload('a', { payload: { only: 1 }, points: [5] });
  await store.deletePayload('a', { keys: ['even'], points: [6] });
  await store.clearPayload('a', { points: [7] });
  await store.updateVectors('b', { points: [{ id: 2, vector: { y: [9] } }] });
  await store.deleteVectors('b', { points: [3], vector: ['x'] });
  await store.createPayloadIndex('a', { field_name: 'i', field_schema: 'integer', wait: true });
  await store.batchUpdate('a', { operations: [{ upsert: { points: [{ id: 100, vector: [3, 2, 1] }] } }, { set_payload: { payload: { late: true }, points: [100] } }] });
  await store.updateCollection('b', { metadata: { owner: 'file-test' } });
  await store.createCollection('gone', { vectors: { size: 1, distance: 'Dot' } });
  await store.upsert('gone', { points: [{ id: 1, vector: [1] }] });
  await store.deleteCollection('gone');
  await store.upsert('a', { wait: false, points: [{ id: 200, vector: [2, 2, 2], payload: { nowait: true } }] });
  await store.flush();
}

function logFiles(dir: string): string[] {
  return readdirSync(join(dir, 'log')).filter((f) => f.endsWith('.rec'));
}

function copy(from: string): string {
  const to = freshDir();
  cpSync(from, to, { recursive: true });
  return to;
}

describe('fileStorage: a store in a directory', () => {
  test('everything written is there after close and reopen; __proto__ keys and u64 ids included', async () => {
    const dir = freshDir();
    const store = await open(dir);
    await writeEverything(store);
    const last = await store.upsert('a', { points: [{ id: 250, vector: [2, 5, 0] }] });
    const before = await dump(store);
    expect((await store.describe()).storage).toBe('file');
    await store.close(); // flushes and folds the log into chunks
    expect(existsSync(join(dir, 'LOCK'))).toBe(false);
    expect(readdirSync(join(dir, 'chunks')).length).toBe(2); // a and b; the deleted collection left none

    const reopened = await open(dir);
    expect(await dump(reopened)).toEqual(before);
    const [record] = await reopened.retrieve('a', { ids: ['c0ffee00-0000-4000-8000-000000000001'] });
    expect(Object.keys(record.payload!)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
    expect((await reopened.retrieve('a', { ids: [2n ** 64n - 1n] }))[0].id).toBe(2n ** 64n - 1n);
    // The operation counter continues where it was.
    expect((await reopened.upsert('a', { points: [{ id: 300, vector: [1, 0, 0] }] })).operation_id).toBe(last.operation_id! + 1);
    await reopened.close();
  });

  test('a crash with no compaction yet: the log alone rebuilds the store', async () => {
    const dir = freshDir();
    const store = await open(dir);
    await writeEverything(store);
    const before = await dump(store);
    const crashed = copy(dir); // the store is still open: this is what a kill -9 leaves
    expect(logFiles(crashed).length).toBeGreaterThan(10);
    expect(readdirSync(join(crashed, 'chunks'))).toEqual([]);
    const recovered = await open(crashed);
    expect(await dump(recovered)).toEqual(before);
    await recovered.close();
    await store.close();
  });

  test('a crash at any point of a compaction loses nothing and applies nothing twice', async () => {
    const dir = freshDir();
    const storage = fileStorage(dir);
    let snapshot: CompactionSnapshot | undefined;
    const compact = storage.compact.bind(storage);
    Object.defineProperty(storage, 'compact', {
      value: (s: CompactionSnapshot) => {
        snapshot = s;
        return compact(s);
      },
    });
    const store = await open(dir, storage);
    await writeEverything(store);
    await store.compact();
    await store.upsert('a', { points: [{ id: 500, vector: [5, 5, 5], payload: { after: 'first compaction' } }] });
    await store.setPayload('a', { payload: { i: -1 }, points: [1] });
    await store.flush();
    const beforeSecond = copy(dir); // before the second compaction: the first compaction's log is still kept (one cycle)
    const expected = await dump(store);
    await store.compact();
    const afterSecond = copy(dir);
    expect(snapshot!.deleteThrough).toBeGreaterThan(0);

    // 1. The journal was never durable: old chunks + the whole log.
    // 2. The journal is durable, nothing applied.  3. Half of the chunk files rewritten too.
    // 4. Everything applied, the journal not yet removed.  5. The compaction finished.
    const journalOnly = copy(beforeSecond);
    writeFileSync(join(journalOnly, 'compaction.rec'), serialize(snapshot));
    const halfApplied = copy(journalOnly);
    for (const uidDir of readdirSync(join(afterSecond, 'chunks'))) {
      const files = readdirSync(join(afterSecond, 'chunks', uidDir));
      mkdirSync(join(halfApplied, 'chunks', uidDir), { recursive: true });
      for (const file of files.slice(0, Math.ceil(files.length / 2))) cpSync(join(afterSecond, 'chunks', uidDir, file), join(halfApplied, 'chunks', uidDir, file));
    }
    const allButJournalRemoval = copy(afterSecond);
    writeFileSync(join(allButJournalRemoval, 'compaction.rec'), serialize(snapshot));

    for (const [state, dirOf] of Object.entries({ beforeSecond, journalOnly, halfApplied, allButJournalRemoval, afterSecond })) {
      const recovered = await open(dirOf);
      expect(await dump(recovered), state).toEqual(expected);
      expect(existsSync(join(dirOf, 'compaction.rec')), state).toBe(false);
      // Writes go on with the right operation ids, and survive the next reopen.
      await recovered.upsert('a', { points: [{ id: 600, vector: [6, 6, 6] }] });
      const next = await dump(recovered);
      await recovered.close();
      const again = await open(dirOf);
      expect(await dump(again), `${state}, reopened`).toEqual(next);
      await again.close();
    }
    await store.close();
  });

  test('compaction keeps one cycle of log (as the IndexedDB backend) and deletes the rest', async () => {
    const dir = freshDir();
    const store = await open(dir);
    await store.createCollection('c', { vectors: { size: 1, distance: 'Dot' } });
    for (let i = 0; i < 5; i++) await store.upsert('c', { points: [{ id: i, vector: [i] }] });
    await store.compact();
    expect(logFiles(dir)).toHaveLength(5); // deleteThrough is the previous compaction's seq (0)
    await store.upsert('c', { points: [{ id: 9, vector: [9] }] });
    await store.compact();
    expect(logFiles(dir)).toHaveLength(1); // the first five were folded one compaction ago
    await store.close();
  });

  test('leftover temporary files from an interrupted write are ignored and removed', async () => {
    const dir = freshDir();
    const store = await open(dir);
    await store.createCollection('c', { vectors: { size: 1, distance: 'Dot' } });
    await store.upsert('c', { points: [{ id: 1, vector: [1] }] });
    const crashed = copy(dir);
    await store.close();
    writeFileSync(join(crashed, 'log', '0000000000000099.rec.tmp-0123456789ab'), 'half a record');
    writeFileSync(join(crashed, 'collections', 'ff.rec.tmp-abcdef'), '');
    const recovered = await open(crashed);
    expect(await recovered.count('c')).toEqual({ count: 1 });
    expect(readdirSync(join(crashed, 'log')).some((f) => f.includes('.tmp-'))).toBe(false);
    await recovered.close();
  });

  test('one process per directory: a second opener is refused; a stale lock is taken over', async () => {
    const dir = freshDir();
    const store = await open(dir);
    await expect(open(dir)).rejects.toThrow(/already open in this process/);
    await store.close();

    // A lock held by a live process (our parent).
    const live = copy(dir);
    writeFileSync(join(live, 'LOCK'), `${process.ppid}\n`);
    await expect(open(live)).rejects.toThrow(new RegExp(`in use by process ${process.ppid}`));
    // A lock left by a process that has exited.
    const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    writeFileSync(join(live, 'LOCK'), `${child.stdout}\n`);
    const taken = await open(live);
    expect(await taken.getCollections()).toEqual({ collections: [] });
    await taken.close();
  });

  test('after a failed write nothing more is written (a gap in the log would corrupt the replay)', async () => {
    const dir = freshDir();
    const storage = fileStorage(dir);
    await storage.load();
    await storage.append({ seq: 1, uid: 'u', entry: { n: 1 } });
    rmSync(join(dir, 'log'), { recursive: true });
    writeFileSync(join(dir, 'log'), 'not a directory'); // every log write now fails
    await expect(storage.append({ seq: 2, uid: 'u', entry: { n: 2 } })).rejects.toThrow();
    await expect(storage.putCollection({ uid: 'u', name: 'n', meta: {} })).rejects.toThrow(/an earlier write failed/);
    storage.close();
  });

  test('estimate, persist, chunksOf, changesSince', async () => {
    const dir = freshDir();
    const storage = fileStorage(dir);
    const store = await open(dir, storage);
    await store.createCollection('c', { vectors: { size: 2, distance: 'Dot' } });
    await store.upsert('c', { points: [{ id: 1, vector: [1, 2] }] });
    await store.compact();
    const estimate = await storage.estimate();
    expect(estimate).toMatchObject({ persisted: true, backend: 'file' });
    expect(estimate.usage).toBeGreaterThan(0);
    expect(estimate.quota).toBeGreaterThanOrEqual(estimate.usage!);
    expect(await storage.persist()).toBe(true);
    expect(await storage.changesSince(0)).toBeNull();
    const uid = readdirSync(join(dir, 'collections'))[0].replace('.rec', '');
    const chunks = await storage.chunksOf(Buffer.from(uid, 'hex').toString('utf8'));
    expect(chunks.map((c) => c.kind).sort()).toEqual(['points', 'vector:']);
    expect(await storage.chunksOf('no-such-uid')).toEqual([]);
    await store.close();
  });
});
