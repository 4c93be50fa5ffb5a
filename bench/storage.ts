/**
 * Storage benchmark, run in one page by bench/run.mjs (`node bench/run.mjs storage`) or opened by
 * hand from a dev server: /bench/storage.html?n=100000&dim=384&q=200.
 *
 * Through the public client (`openStore`: engine in its Web Worker, data in IndexedDB):
 * 1. bulk upsert of N points (columnar `batch`, `wait: true`) with small payloads, then `flush()`,
 *    measured `bulktrials` times (default 3) on fresh stores, the median judged; on the last
 *    store, the IndexedDB record counts (read directly with idb) and an explicit `compact()`;
 * 2. reopen-to-first-query: `close()`, then `openStore(name)` + one `query` (limit 10), repeated;
 *    the same for a store whose log was never compacted — written by an iframe of this page
 *    that is then removed without `close()` (a tab that died), reopened in fresh iframes so that
 *    no reopen compacts it for the next;
 * 3. single-point update latency: `upsert` of one point and `setPayload` of one point, `wait: true`;
 * 4. where the time goes: the same bulk load and updates on an in-process store whose IndexedDB
 *    backend is wrapped to time its calls (catch-up reads, log appends, compactions), a worker
 *    store with `persistence: 'memory'` (no IndexedDB at all), and raw IndexedDB micro-operations
 *    (one small strict / relaxed put, the catch-up read transaction, a Web Lock round trip);
 * 5. the raw IndexedDB layouts of ../shared/DESIGN.md, written and read with idb directly:
 *    one record per point, vectors and payloads chunked by 1,024, and one record per batch of
 *    `batch` points (what veclite's log does, without the engine), and that last one taken apart
 *    (see transactionAnatomy).
 *
 * Publishes `window.__benchResult` (or `window.__benchError`) and logs `[bench]` progress lines.
 * In an iframe (`role=writer|reopen`) it does one job and reports to its parent by postMessage.
 */
import { deleteDB, openDB, type IDBPDatabase } from 'idb';
import { openStore, type VecliteClient } from '../src/index';
import { openIndexedDbStorage } from '../src/storage/indexeddb';
import type { Storage } from '../src/storage/types';
import { seededRandom } from '../demo/data';
import { normalisedVectors, publishOutcome, summarise, type Summary } from './data';

const params = new URLSearchParams(location.search);
function intParam(name: string, fallback: number): number {
  const raw = params.get(name);
  if (raw === null || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`?${name}= must be a positive integer, got ${raw}`);
  return value;
}
const flag = (name: string): boolean => params.get(name) !== '0';

const ROLE = params.get('role') ?? 'main';
const N = intParam('n', 100_000);
const DIM = intParam('dim', 384);
const UPDATES = intParam('q', 200);
const BATCH = intParam('batch', 1000);
const REOPENS = intParam('reopens', 3);
/** Bulk loads measured (each on a fresh store; the median is judged, see main). */
const BULK_TRIALS = intParam('bulktrials', 3);
/** Bulk loads with `durability: 'strict'`, each run just before one of the default ones (0: none). */
const STRICT_TRIALS = params.get('stricttrials') === '0' ? 0 : intParam('stricttrials', BULK_TRIALS);
const BREAKDOWN = flag('breakdown');
const RAW = flag('raw');
const PER_POINT = flag('perpoint');
/** The raw one-record-per-point write stops after this long (the rest is extrapolated). */
const RAW_BUDGET_MS = intParam('rawbudget', 20) * 1000;
/** veclite's default `compactEvery` (src/engine/engine.ts). */
const DEFAULT_COMPACT_EVERY = 512;
const COLLECTION = 'bench';
const CHUNK = 1024;
const DATA_SEED = 0xc0ffee;
const QUERY_SEED = 0xbeef;
const UPDATE_SEED = 0xabcdef;

const logElement = document.getElementById('log')!;
function log(line: string): void {
  const text = ROLE === 'main' ? line : `(${ROLE}) ${line}`;
  console.log(`[bench] ${text}`);
  logElement.textContent += `${text}\n`;
}
const fmt = (ms: number): string => ms.toFixed(1);
const now = (): number => performance.now();
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const nextFrame = (): Promise<void> => sleep(0);
const median = (xs: number[]): number => summarise(xs).p50;
const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);

// ---- data ------------------------------------------------------------------------------------

const TAGS = ['news', 'sport', 'science', 'music', 'travel', 'food', 'health', 'tech'];

/** The small payload of point i: {i, tag, title of ~30 characters}. */
function payloadOf(i: number): { i: number; tag: string; title: string } {
  const tag = TAGS[i % TAGS.length];
  return { i, tag, title: `Document ${String(i).padStart(6, '0')} about ${tag}` };
}

/** The request body of points first..first+size-1, as users hold them (number[] vectors). */
function batchOf(data: Float32Array, first: number, size: number): { ids: number[]; vectors: number[][]; payloads: ReturnType<typeof payloadOf>[] } {
  const ids: number[] = [];
  const vectors: number[][] = [];
  const payloads: ReturnType<typeof payloadOf>[] = [];
  for (let r = first; r < first + size; r++) {
    ids.push(r);
    vectors.push(Array.from(data.subarray(r * DIM, (r + 1) * DIM)));
    payloads.push(payloadOf(r));
  }
  return { ids, vectors, payloads };
}

/** The seeded data set, shared with this page's iframes (same origin) so they need not regenerate it. */
function dataSet(): Float32Array {
  const shared = (window.parent as unknown as { __storageBenchData?: Float32Array }).__storageBenchData;
  if (shared && shared.length === N * DIM) return shared;
  const data = normalisedVectors(N, DIM, DATA_SEED);
  (window as unknown as { __storageBenchData?: Float32Array }).__storageBenchData = data;
  return data;
}

function queryVector(i: number): number[] {
  return Array.from(normalisedVectors(i + 1, DIM, QUERY_SEED).subarray(i * DIM, (i + 1) * DIM));
}

// ---- measuring through the client ------------------------------------------------------------

/** What one bulk load took. */
interface BulkTiming {
  /** Sum of the `upsert` calls (each resolves after its log record committed). */
  upsertMs: number;
  /** The `flush()` after the last upsert (waits for a compaction still running). */
  flushMs: number;
  /** Wall clock of the loop, including building the request arrays (not part of upsertMs). */
  wallMs: number;
  /** Each upsert call, in order. */
  callsMs: number[];
}

async function bulkLoad(store: VecliteClient, data: Float32Array, label: string, wait = true): Promise<BulkTiming> {
  const callsMs: number[] = [];
  const wallStarted = now();
  for (let first = 0; first < N; first += BATCH) {
    const size = Math.min(BATCH, N - first);
    const batch = batchOf(data, first, size);
    const started = now();
    await store.upsert(COLLECTION, { wait, batch });
    callsMs.push(now() - started);
    const done = first + size;
    if (done % (BATCH * 10) === 0 || done === N) log(`${label}: upserted ${done} / ${N} (${fmt(sum(callsMs))} ms of upsert calls so far)`);
    await nextFrame(); // outside the measured part: lets the page log
  }
  const flushStarted = now();
  await store.flush();
  const flushMs = now() - flushStarted;
  const upsertMs = sum(callsMs);
  return { upsertMs, flushMs, wallMs: now() - wallStarted, callsMs };
}

/** `count` single-point upserts (random existing ids, new vectors, `wait: true`), then `count` setPayload of one point. */
async function singleUpdates(store: VecliteClient, count: number): Promise<{ upsertMs: number[]; setPayloadMs: number[] }> {
  const random = seededRandom(UPDATE_SEED);
  const fresh = normalisedVectors(count, DIM, UPDATE_SEED);
  const upsertMs: number[] = [];
  const setPayloadMs: number[] = [];
  for (let k = 0; k < count; k++) {
    const id = Math.floor(random() * N);
    const vector = Array.from(fresh.subarray(k * DIM, (k + 1) * DIM));
    const payload = { ...payloadOf(id), edited: k };
    const started = now();
    await store.upsert(COLLECTION, { wait: true, points: [{ id, vector, payload }] });
    upsertMs.push(now() - started);
  }
  for (let k = 0; k < count; k++) {
    const id = Math.floor(random() * N);
    const started = now();
    await store.setPayload(COLLECTION, { wait: true, payload: { seen: k }, points: [id] });
    setPayloadMs.push(now() - started);
  }
  return { upsertMs, setPayloadMs };
}

/** One reopen: openStore, then the first query. */
interface ReopenTrial {
  openMs: number;
  queryMs: number;
  totalMs: number;
  /** A second query right after the first: what a query costs once everything is built and warm. */
  secondQueryMs: number;
  points: number;
  hits: number;
  /** `indexed_vectors_count` before the first query: > 0 when an IVF index was restored from disk. */
  indexedBefore: number;
  /** ... and after it (the first query builds the IVF index when none was restored). */
  indexedAfter: number;
}

async function reopen(name: string, trial: number): Promise<{ store: VecliteClient; trial: ReopenTrial }> {
  const query = queryVector(trial);
  const second = queryVector(trial + 100);
  const started = now();
  const store = await openStore(name);
  const opened = now();
  const indexedBefore = (await store.getCollection(COLLECTION)).indexed_vectors_count; // not timed
  const queryStarted = now();
  const result = await store.query(COLLECTION, { query, limit: 10 });
  const answered = now();
  const after = await store.getCollection(COLLECTION);
  const secondStarted = now();
  await store.query(COLLECTION, { query: second, limit: 10 });
  const secondQueryMs = now() - secondStarted;
  const queryMs = answered - queryStarted;
  return {
    store,
    trial: {
      openMs: opened - started,
      queryMs,
      totalMs: opened - started + queryMs,
      secondQueryMs,
      points: after.points_count,
      hits: result.points.length,
      indexedBefore,
      indexedAfter: after.indexed_vectors_count,
    },
  };
}

// ---- reading IndexedDB directly ---------------------------------------------------------------

/** What a store's database holds, read with idb (not through veclite). */
export interface DbCounts {
  collections: number;
  log: number;
  chunks: number;
  /** meta.lastSeq: the seq the chunks fold (the last compaction's). */
  foldedSeq: number | null;
  /** meta.deletedThrough: log records up to it were deleted. */
  deletedThrough: number | null;
  /** Lowest and highest seq in the log. */
  logRange: [number, number] | null;
}

async function inspect(storeName: string): Promise<DbCounts> {
  const db = await openDB(`veclite:${storeName}`);
  try {
    const tx = db.transaction(['collections', 'log', 'chunks', 'meta'], 'readonly');
    const [collections, log, chunks, foldedSeq, deletedThrough, keys] = await Promise.all([
      tx.objectStore('collections').count(),
      tx.objectStore('log').count(),
      tx.objectStore('chunks').count(),
      tx.objectStore('meta').get('lastSeq'),
      tx.objectStore('meta').get('deletedThrough'),
      tx.objectStore('log').getAllKeys(),
    ]);
    await tx.done;
    const seqs = (keys as number[]).sort((a, b) => a - b);
    return {
      collections,
      log,
      chunks,
      foldedSeq: foldedSeq === undefined ? null : Number(foldedSeq),
      deletedThrough: deletedThrough === undefined ? null : Number(deletedThrough),
      logRange: seqs.length ? [seqs[0], seqs[seqs.length - 1]] : null,
    };
  } finally {
    db.close();
  }
}

const describeCounts = (c: DbCounts): string =>
  `${c.log} log records${c.logRange ? ` (seq ${c.logRange[0]}..${c.logRange[1]})` : ''}, ${c.chunks} chunk records, meta lastSeq ${c.foldedSeq ?? '-'} / deletedThrough ${c.deletedThrough ?? '-'}`;

async function dropDatabase(name: string): Promise<void> {
  await deleteDB(name, { blocked: () => log(`deleting ${name} is blocked by an open connection`) });
}

async function originUsage(): Promise<number | null> {
  const estimate = await navigator.storage?.estimate?.().catch(() => undefined);
  return estimate?.usage ?? null;
}

// ---- iframes: a tab that writes and dies, tabs that reopen ------------------------------------

let frameCounter = 0;

/** Loads this page in an iframe with `role`, waits for its report, then removes the iframe (its worker dies with it, no close()). */
async function inFrame<T>(role: string, extra: Record<string, string>, timeoutMs = 10 * 60_000): Promise<T> {
  const frame = `f${++frameCounter}`;
  const query = new URLSearchParams({ ...Object.fromEntries(params), role, frame, ...extra });
  const iframe = document.createElement('iframe');
  iframe.src = `${location.pathname}?${query}`;
  try {
    return await new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`iframe ${role} did not report within ${timeoutMs} ms`)), timeoutMs);
      const onMessage = (event: MessageEvent): void => {
        const data = event.data as { frame?: string; result?: T; error?: string } | null;
        if (event.origin !== location.origin || data?.frame !== frame) return;
        clearTimeout(timer);
        window.removeEventListener('message', onMessage);
        if (data.error !== undefined) reject(new Error(`iframe ${role}: ${data.error}`));
        else resolve(data.result as T);
      };
      window.addEventListener('message', onMessage);
      document.body.append(iframe);
    });
  } finally {
    iframe.remove();
    await sleep(500); // lets the browser tear the frame's worker and IndexedDB connection down
  }
}

/** What the writer iframe reports. */
interface WriterReport {
  upsertMs: number;
  flushMs: number;
  callsMs: number[];
}

/** role=writer: bulk-loads `store` with a huge compactEvery, flushes, and never closes. */
async function writerRole(): Promise<WriterReport> {
  const name = params.get('store')!;
  const compactEvery = intParam('compactEvery', 1_000_000);
  const data = dataSet();
  const store = await openStore(name, { compactEvery });
  await store.createCollection(COLLECTION, { vectors: { size: DIM, distance: 'Cosine' } });
  const bulk = await bulkLoad(store, data, `writer (compactEvery ${compactEvery})`);
  return { upsertMs: bulk.upsertMs, flushMs: bulk.flushMs, callsMs: bulk.callsMs };
}

/** role=reopen: openStore + first query, then the iframe is removed without close() (nothing compacts). */
async function reopenRole(): Promise<ReopenTrial> {
  const { trial } = await reopen(params.get('store')!, Number(params.get('trial') ?? 0));
  return trial;
}

// ---- an IndexedDB backend that times its calls (in-process stores only) -------------------------

interface IoStats {
  load: number[];
  changesSince: number[];
  /** Synchronous part of append: opening the transaction and structured-cloning the record. */
  appendSerialise: number[];
  /** From the end of the synchronous part to the commit. */
  appendCommit: number[];
  compactions: { chunks: number; serialiseMs: number; commitMs: number }[];
}

const newStats = (): IoStats => ({ load: [], changesSince: [], appendSerialise: [], appendCommit: [], compactions: [] });

/** Wraps a backend; each write still starts its transaction synchronously, so the commit order is kept. */
function timedStorage(inner: Storage, stats: IoStats, options: { skipCompaction?: boolean } = {}): Storage {
  return {
    kind: inner.kind,
    durability: inner.durability,
    // compact below calls the inner one synchronously, so the engine may reuse its arrays as it would without the wrapper.
    copiesChunksAtOnce: inner.copiesChunksAtOnce,
    load: async () => {
      const started = now();
      const state = await inner.load();
      stats.load.push(now() - started);
      return state;
    },
    changesSince: async (seq) => {
      const started = now();
      const changes = await inner.changesSince(seq);
      stats.changesSince.push(now() - started);
      return changes;
    },
    chunksOf: (uid) => inner.chunksOf(uid),
    onLost: (callback) => inner.onLost(callback),
    estimate: () => inner.estimate(),
    persist: () => inner.persist(),
    putCollection: (record) => inner.putCollection(record),
    deleteCollection: (uid) => inner.deleteCollection(uid),
    append: (record) => {
      const started = now();
      const committed = inner.append(record);
      const issued = now();
      stats.appendSerialise.push(issued - started);
      return committed.then(() => void stats.appendCommit.push(now() - issued));
    },
    compact: (snapshot) => {
      // Keeps a "killed tab" store as it is; a folded batch (a compaction with a log record) is a write and still happens.
      if (options.skipCompaction && !snapshot.log) return Promise.resolve();
      const started = now();
      const committed = inner.compact(snapshot);
      const issued = now();
      return committed.then(() => void stats.compactions.push({ chunks: snapshot.chunks.length, serialiseMs: issued - started, commitMs: now() - issued }));
    },
    close: () => inner.close(),
  };
}

/** Opens an in-process store over a timed IndexedDB backend. */
async function openTimed(name: string, stats: IoStats, options: { skipCompaction?: boolean; compactEvery?: number } = {}): Promise<{ store: VecliteClient; openMs: number }> {
  const started = now();
  const storage = timedStorage(await openIndexedDbStorage(name), stats, options);
  const store = await openStore(name, { worker: false, persistence: { storage }, compactEvery: options.compactEvery });
  return { store, openMs: now() - started };
}

/** A compaction as the timed backend saw it. */
interface CompactionTiming {
  chunks: number;
  serialiseMs: number;
  commitMs: number;
}

/** Totals of the timed backend over a phase. */
interface IoTotals {
  calls: number;
  changesSinceMs: number;
  appendSerialiseMs: number;
  appendCommitMs: number;
  compactions: CompactionTiming[];
}

function totals(stats: IoStats, calls: number): IoTotals {
  return {
    calls,
    changesSinceMs: sum(stats.changesSince),
    appendSerialiseMs: sum(stats.appendSerialise),
    appendCommitMs: sum(stats.appendCommit),
    compactions: [...stats.compactions],
  };
}

function resetStats(stats: IoStats): void {
  stats.load.length = stats.changesSince.length = stats.appendSerialise.length = stats.appendCommit.length = stats.compactions.length = 0;
}

// ---- raw IndexedDB -------------------------------------------------------------------------------

const STRICT = { durability: 'strict' } as const;
const RELAXED = { durability: 'relaxed' } as const;

async function freshDb(name: string, stores: { name: string; keyPath?: string }[]): Promise<IDBPDatabase> {
  await dropDatabase(name);
  return openDB(name, 1, {
    upgrade(db) {
      for (const store of stores) db.createObjectStore(store.name, store.keyPath ? { keyPath: store.keyPath } : undefined);
    },
  });
}

/** Opens the database again and reads every record of `stores` in one transaction. */
async function readAll(name: string, stores: string[]): Promise<{ ms: number; records: number }> {
  const started = now();
  const db = await openDB(name);
  const tx = db.transaction(stores, 'readonly');
  const all = await Promise.all(stores.map((store) => tx.objectStore(store).getAll()));
  await tx.done;
  const ms = now() - started;
  db.close();
  return { ms, records: sum(all.map((records) => records.length)) };
}

/** A raw write-then-read measurement. */
interface RawLayout {
  writeMs: number;
  records: number;
  readMs: number;
  /** Points written (the per-point layout may stop at its time budget). */
  points: number;
  complete: boolean;
  /** writeMs scaled to N points when the write stopped early. */
  writeMsForN: number;
  readMsForN: number;
}

/** (a) one record per point {id, vector, payload}, in transactions of `BATCH` points. */
async function rawPerPoint(data: Float32Array): Promise<RawLayout> {
  const name = 'bench-raw-per-point';
  const db = await freshDb(name, [{ name: 'points', keyPath: 'id' }]);
  let written = 0;
  const started = now();
  for (let first = 0; first < N; first += BATCH) {
    const size = Math.min(BATCH, N - first);
    const tx = db.transaction('points', 'readwrite', STRICT);
    for (let i = first; i < first + size; i++) void tx.store.put({ id: i, vector: data.slice(i * DIM, (i + 1) * DIM), payload: payloadOf(i) });
    await tx.done;
    written += size;
    if (now() - started > RAW_BUDGET_MS && written < N) break;
  }
  const writeMs = now() - started;
  db.close();
  const read = await readAll(name, ['points']);
  await dropDatabase(name);
  return { writeMs, records: written, readMs: read.ms, points: written, complete: written === N, writeMsForN: (writeMs * N) / written, readMsForN: (read.ms * N) / written };
}

/** (b) vectors chunked by 1,024 (one Float32Array per chunk) and payloads chunked too, in one transaction. */
async function rawChunked(data: Float32Array): Promise<RawLayout> {
  const name = 'bench-raw-chunked';
  const db = await freshDb(name, [{ name: 'vectors' }, { name: 'payloads' }]);
  const started = now();
  const tx = db.transaction(['vectors', 'payloads'], 'readwrite', STRICT);
  const vectors = tx.objectStore('vectors');
  const payloads = tx.objectStore('payloads');
  let records = 0;
  for (let c = 0; c * CHUNK < N; c++) {
    const first = c * CHUNK;
    const last = Math.min(N, first + CHUNK);
    void vectors.put(data.slice(first * DIM, last * DIM), c);
    const chunkPayloads: ReturnType<typeof payloadOf>[] = [];
    for (let i = first; i < last; i++) chunkPayloads.push(payloadOf(i));
    void payloads.put({ ids: Array.from({ length: last - first }, (_, k) => first + k), payloads: chunkPayloads }, c);
    records += 2;
  }
  await tx.done;
  const writeMs = now() - started;
  db.close();
  const read = await readAll(name, ['vectors', 'payloads']);
  await dropDatabase(name);
  return { writeMs, records, readMs: read.ms, points: N, complete: true, writeMsForN: writeMs, readMsForN: read.ms };
}

/** (b′) as (b), but each vector chunk stored as a Blob (read back with `arrayBuffer()`): IndexedDB keeps blobs as files and hands out references. */
async function rawChunkedBlobs(data: Float32Array): Promise<RawLayout> {
  const name = 'bench-raw-chunked-blobs';
  const db = await freshDb(name, [{ name: 'vectors' }, { name: 'payloads' }]);
  const started = now();
  const tx = db.transaction(['vectors', 'payloads'], 'readwrite', STRICT);
  const vectors = tx.objectStore('vectors');
  const payloads = tx.objectStore('payloads');
  let records = 0;
  for (let c = 0; c * CHUNK < N; c++) {
    const first = c * CHUNK;
    const last = Math.min(N, first + CHUNK);
    void vectors.put(new Blob([data.slice(first * DIM, last * DIM)]), c);
    const chunkPayloads: ReturnType<typeof payloadOf>[] = [];
    for (let i = first; i < last; i++) chunkPayloads.push(payloadOf(i));
    void payloads.put({ ids: Array.from({ length: last - first }, (_, k) => first + k), payloads: chunkPayloads }, c);
    records += 2;
  }
  await tx.done;
  const writeMs = now() - started;
  db.close();
  const readStarted = now();
  const reader = await openDB(name);
  const readTx = reader.transaction(['vectors', 'payloads'], 'readonly');
  const [blobs, payloadChunks] = await Promise.all([readTx.objectStore('vectors').getAll(), readTx.objectStore('payloads').getAll()]);
  await readTx.done;
  const buffers = await Promise.all((blobs as Blob[]).map((blob) => blob.arrayBuffer()));
  const readMs = now() - readStarted;
  reader.close();
  if (buffers.length + payloadChunks.length !== records) throw new Error(`read ${buffers.length + payloadChunks.length} records, wrote ${records}`);
  await dropDatabase(name);
  return { writeMs, records, readMs, points: N, complete: true, writeMsForN: writeMs, readMsForN: readMs };
}

/** (c) one record per batch of `BATCH` points {seq, ids, vectors, payloads}, one strict transaction each: veclite's log without the engine. */
async function rawLogStyle(data: Float32Array, durability: typeof STRICT | typeof RELAXED = STRICT): Promise<RawLayout> {
  const name = `bench-raw-log-${durability.durability}`;
  const db = await freshDb(name, [{ name: 'log', keyPath: 'seq' }]);
  const started = now();
  let records = 0;
  for (let first = 0; first < N; first += BATCH) {
    const size = Math.min(BATCH, N - first);
    const ids: number[] = [];
    const payloads: ReturnType<typeof payloadOf>[] = [];
    for (let i = first; i < first + size; i++) {
      ids.push(i);
      payloads.push(payloadOf(i));
    }
    const tx = db.transaction('log', 'readwrite', durability);
    void tx.store.add({ seq: ++records, ids, vectors: data.slice(first * DIM, (first + size) * DIM), payloads });
    await tx.done;
  }
  const writeMs = now() - started;
  db.close();
  const read = await readAll(name, ['log']);
  await dropDatabase(name);
  return { writeMs, records, readMs: read.ms, points: N, complete: true, writeMsForN: writeMs, readMsForN: read.ms };
}

/** How one log-style transaction of {@link BATCH} points was written (see {@link transactionAnatomy}). */
type AnatomyVariant = 'inline' | 'blob' | 'zeros' | 'commit' | 'cpuBefore' | 'cpuAfterCommit';

/** Per variant: the `add` call (synchronous: the value is serialised there) and the wait for `complete`, in ms per transaction. */
export interface TransactionAnatomy {
  transactions: number;
  cpuMs: number;
  variants: Record<AnatomyVariant, { call: Summary; wait: Summary; total: Summary }>;
}

/** Keeps the thread busy for `ms` (what the engine's own work per batch costs the thread). */
function busyFor(ms: number): void {
  const end = now() + ms;
  while (now() < end) {
    // spin
  }
}

/**
 * (c) taken apart: the same log-style transactions, written several ways in alternating rounds
 * so that the machine's drift hits every way alike. `inline` is (c); `blob` stores the vectors as a
 * Blob; `zeros` writes zero vectors of the same size (compressible); `commit` calls
 * `transaction.commit()` right after the `add`; `cpuBefore` spends `cpuMs` of busy CPU before each
 * transaction (an engine that applies a write, then persists it: veclite's order); `cpuAfterCommit`
 * spends it after `add` + `commit()` (an engine that persists first and applies while the browser
 * commits). What the last two cost over `inline` shows how much engine work a commit can hide.
 */
async function transactionAnatomy(data: Float32Array, cpuMs: number, rounds: number, perRound: number): Promise<TransactionAnatomy> {
  const name = 'bench-raw-anatomy';
  const db = await freshDb(name, [{ name: 'log', keyPath: 'seq' }]);
  const variants: AnatomyVariant[] = ['inline', 'blob', 'zeros', 'commit', 'cpuBefore', 'cpuAfterCommit'];
  const calls = new Map(variants.map((v) => [v, [] as number[]]));
  const waits = new Map(variants.map((v) => [v, [] as number[]]));
  const zeros = new Float32Array(BATCH * DIM);
  const batches = Math.max(1, Math.floor(N / BATCH));
  let seq = 0;
  for (let round = 0; round < rounds; round++) {
    for (const variant of variants) {
      for (let k = 0; k < perRound; k++) {
        const first = ((round * perRound + k) % batches) * BATCH;
        const ids: number[] = [];
        const payloads: ReturnType<typeof payloadOf>[] = [];
        for (let i = first; i < first + BATCH; i++) {
          ids.push(i);
          payloads.push(payloadOf(i));
        }
        const vectors = variant === 'zeros' ? zeros : data.slice(first * DIM, (first + BATCH) * DIM);
        if (variant === 'cpuBefore') busyFor(cpuMs);
        const started = now();
        const tx = db.transaction('log', 'readwrite', STRICT);
        void tx.store.add({ seq: ++seq, ids, vectors: variant === 'blob' ? new Blob([vectors]) : vectors, payloads });
        if (variant === 'commit' || variant === 'cpuAfterCommit') tx.commit();
        const called = now();
        if (variant === 'cpuAfterCommit') busyFor(cpuMs);
        await tx.done;
        calls.get(variant)!.push(called - started);
        waits.get(variant)!.push(now() - called);
      }
      // Keep the store small: the anatomy is about one transaction, not a growing database.
      await db.clear('log');
    }
  }
  db.close();
  await dropDatabase(name);
  const out = {} as TransactionAnatomy['variants'];
  for (const variant of variants) {
    const call = calls.get(variant)!;
    const wait = waits.get(variant)!;
    // cpuBefore's busy time is outside `started`; add it back so every total is the thread's time per batch.
    const extra = variant === 'cpuBefore' ? cpuMs : 0;
    out[variant] = { call: summarise(call), wait: summarise(wait), total: summarise(call.map((c, i) => c + wait[i] + extra)) };
  }
  return { transactions: rounds * perRound, cpuMs, variants: out };
}

/** The floor of one small write: a one-point log record put (strict / relaxed), the catch-up read transaction, a Web Lock round trip. */
async function microOperations(count: number): Promise<{ strictPut: Summary; relaxedPut: Summary; catchUpRead: Summary; webLock: Summary }> {
  const name = 'bench-raw-micro';
  const db = await freshDb(name, [{ name: 'collections', keyPath: 'uid' }, { name: 'log', keyPath: 'seq' }, { name: 'meta' }]);
  await db.put('collections', { uid: 'u', name: COLLECTION, meta: { config: {}, foldedOpId: 0 } });
  await db.put('meta', 0, 'lastSeq');
  const vector = normalisedVectors(1, DIM, 7);
  let seq = 0;
  const putOne = async (options: { durability: 'strict' | 'relaxed' }): Promise<number> => {
    const started = now();
    const tx = db.transaction('log', 'readwrite', options);
    void tx.store.add({ seq: ++seq, uid: 'u', entry: { firstOpId: seq, ops: [{ kind: 'upsert', keys: [seq], vectors: [{ name: '', has: new Uint8Array([1]), data: vector.slice() }], payloads: [payloadOf(seq)] }] } });
    await tx.done;
    return now() - started;
  };
  const strict: number[] = [];
  const relaxed: number[] = [];
  const reads: number[] = [];
  const locks: number[] = [];
  for (let k = 0; k < count; k++) strict.push(await putOne(STRICT));
  for (let k = 0; k < count; k++) relaxed.push(await putOne(RELAXED));
  for (let k = 0; k < count; k++) {
    // what Journal.catchUp → IndexedDbStorage.changesSince does before every write
    const started = now();
    const tx = db.transaction(['collections', 'log', 'meta'], 'readonly');
    await Promise.all([
      tx.objectStore('collections').getAll(),
      tx.objectStore('log').getAll(IDBKeyRange.lowerBound(seq, true)),
      tx.objectStore('meta').get('deletedThrough'),
      tx.objectStore('meta').get('lastSeq'),
    ]);
    await tx.done;
    reads.push(now() - started);
  }
  for (let k = 0; k < count; k++) {
    const started = now();
    await navigator.locks.request('bench-storage-micro', { mode: 'exclusive' }, async () => {});
    locks.push(now() - started);
  }
  db.close();
  await dropDatabase(name);
  return { strictPut: summarise(strict), relaxedPut: summarise(relaxed), catchUpRead: summarise(reads), webLock: summarise(locks) };
}

// ---- the result --------------------------------------------------------------------------------

/** What the page publishes. */
export interface StorageBenchResult {
  params: { n: number; dim: number; batch: number; updates: number; reopens: number; compactEvery: number; breakdown: boolean; raw: boolean; perPoint: boolean; rawBudgetMs: number };
  env: { userAgent: string; hardwareConcurrency: number; kernels: string; storage: string; durability: string; worker: boolean; chunkSlots: number };
  bulk: {
    upsertMs: number;
    flushMs: number;
    /** upsertMs + flushMs: every log record committed. */
    persistedMs: number;
    /** Bulk upsert persisted (calls + flush) of every trial, in run order; the last is this store's. */
    trialsMs: number[];
    /** Their median: what the target is judged on. */
    medianMs: number;
    /** The same with `durability: 'strict'`, interleaved with them. */
    strictTrialsMs: number[];
    strictMedianMs: number | null;
    wallMs: number;
    pointsPerSecond: number;
    batch: Summary;
    slowest: { batch: number; ms: number }[];
    afterFlush: DbCounts;
    compactMs: number;
    afterCompact: DbCounts;
    /** The first queries after the bulk load (exact: the IVF index builds in the background). */
    firstQueriesMs: number[];
    indexedAfterQuery: number;
    /** From the end of those queries until status green (the IVF build done). */
    untilGreenMs: number;
    closeMs: number;
    afterClose: DbCounts;
    usageBytes: number | null;
  };
  reopen: {
    emptyOpenMs: number[];
    compacted: ReopenTrial[];
    compactedState: DbCounts;
    uncompacted: ReopenTrial[];
    uncompactedState: DbCounts;
    writer: { upsertMs: number; flushMs: number; batch: Summary };
    iframeControl: ReopenTrial;
  };
  updates: { upsert: Summary; setPayload: Summary; upsertOver50: number; setPayloadOver50: number; before: DbCounts; after: DbCounts };
  breakdown: null | {
    inProcessBulk: { upsertMs: number; flushMs: number; batch: Summary; io: IoTotals };
    inProcessCompact: { totalMs: number; io: IoTotals };
    inProcessUpdates: { upsert: Summary; setPayload: Summary; changesSince: Summary; appendSerialise: Summary; appendCommit: Summary; io: IoTotals };
    inProcessReopen: { openMs: number; loadMs: number; queryMs: number };
    inProcessReopenUncompacted: { openMs: number; loadMs: number; queryMs: number };
    workerMemoryBulk: { upsertMs: number; batch: Summary };
    workerMemoryUpdates: { upsert: Summary; setPayload: Summary };
    micro: { strictPut: Summary; relaxedPut: Summary; catchUpRead: Summary; webLock: Summary };
  };
  raw: null | { perPoint: RawLayout | null; chunked: RawLayout; chunkedBlobs: RawLayout; logStyle: RawLayout; logStyleRelaxed: RawLayout; anatomy: TransactionAnatomy };
  totalSeconds: number;
}


function slowest(callsMs: number[], count: number): { batch: number; ms: number }[] {
  return callsMs
    .map((ms, i) => ({ batch: i + 1, ms }))
    .sort((a, b) => b.ms - a.ms)
    .slice(0, count);
}

async function main(): Promise<StorageBenchResult> {
  const t0 = now();
  const run = `${Date.now().toString(36)}-${Math.floor(Math.random() * 1e6).toString(36)}`;
  const mainName = `bench-storage-${run}`;
  const killedName = `bench-storage-killed-${run}`;
  log(`storage benchmark: N=${N} dim=${DIM} batch=${BATCH} bulk trials=${BULK_TRIALS} single-point updates=${UPDATES} reopens=${REOPENS} breakdown=${BREAKDOWN} raw=${RAW} perpoint=${PER_POINT}`);
  log(`${navigator.userAgent}; ${navigator.hardwareConcurrency} logical cores`);

  let started = now();
  const data = dataSet();
  log(`generated ${N} normalised vectors of ${DIM} in ${fmt(now() - started)} ms`);

  // ---- 1. bulk upsert through the public client (worker + IndexedDB) ----
  // The same bulk load on fresh stores first (each closed and deleted after), then on the store
  // the later sections use: the machine is shared, and one load varies by ±30 % from run to run,
  // so the target is judged on the median of the trials, all of which are reported.
  // Strict-durability loads are interleaved with them (each just before a default one), so that
  // the machine's drift weighs on both alike.
  const trialsMs: number[] = [];
  const strictTrialsMs: number[] = [];
  const throwawayLoad = async (name: string, options: { durability?: 'strict' }, label: string): Promise<number> => {
    const trialStore = await openStore(name, options);
    await trialStore.createCollection(COLLECTION, { vectors: { size: DIM, distance: 'Cosine' } });
    const timing = await bulkLoad(trialStore, data, label);
    log(`${label}: ${fmt(timing.upsertMs)} ms of upsert calls + ${fmt(timing.flushMs)} ms flush`);
    await trialStore.close();
    await dropDatabase(`veclite:${name}`);
    await sleep(1000);
    return timing.upsertMs + timing.flushMs;
  };
  for (let trial = 1; trial <= BULK_TRIALS; trial++) {
    if (trial <= STRICT_TRIALS) strictTrialsMs.push(await throwawayLoad(`${mainName}-strict-${trial}`, { durability: 'strict' }, `strict-durability bulk trial ${trial} of ${STRICT_TRIALS}`));
    if (trial < BULK_TRIALS) trialsMs.push(await throwawayLoad(`${mainName}-trial-${trial}`, {}, `bulk trial ${trial} of ${BULK_TRIALS}`));
  }
  let store = await openStore(mainName);
  const info = await store.describe();
  log(`store "${mainName}": kernels ${info.kernels}, storage ${info.storage}, durability ${info.durability}, worker ${info.worker}, ${info.chunkSlots} slots per chunk`);
  await store.createCollection(COLLECTION, { vectors: { size: DIM, distance: 'Cosine' } });
  const bulk = await bulkLoad(store, data, BULK_TRIALS > 1 ? `bulk trial ${BULK_TRIALS} of ${BULK_TRIALS} (the store the next sections use)` : 'veclite bulk');
  trialsMs.push(bulk.upsertMs + bulk.flushMs);
  const count = (await store.getCollection(COLLECTION)).points_count;
  if (count !== N) throw new Error(`the collection holds ${count} points, expected ${N}`);
  log(`bulk: ${fmt(bulk.upsertMs)} ms of upsert calls + ${fmt(bulk.flushMs)} ms flush = ${Math.round((N / (bulk.upsertMs + bulk.flushMs)) * 1000)} points/s; wall ${fmt(bulk.wallMs)} ms`);
  const afterFlush = await inspect(mainName);
  log(`after flush: ${describeCounts(afterFlush)}`);
  const usageBytes = await originUsage();
  started = now();
  await store.compact();
  const compactMs = now() - started;
  const afterCompact = await inspect(mainName);
  log(`compact(): ${fmt(compactMs)} ms; then ${describeCounts(afterCompact)}`);

  // The first queries after the bulk load: exact while the IVF index (N >= ivf_config.full_scan_threshold)
  // builds in the background, which starts once the writes have paused.
  const firstQueries: number[] = [];
  for (let k = 0; k < 3; k++) {
    const query = queryVector(200 + k);
    started = now();
    await store.query(COLLECTION, { query, limit: 10 });
    firstQueries.push(now() - started);
  }
  const indexedAfterQuery = (await store.getCollection(COLLECTION)).indexed_vectors_count;
  log(`first queries after the bulk load: ${firstQueries.map(fmt).join(', ')} ms (indexed_vectors_count now ${indexedAfterQuery})`);
  // Wait for the background build, as a store in use gets it: close() then saves the index, and
  // the reopens below restore it instead of training again.
  started = now();
  while ((await store.getCollection(COLLECTION)).status !== 'green') await sleep(50);
  const untilGreenMs = now() - started;
  log(`then ${fmt(untilGreenMs)} ms until the background IVF build was done (status green)`);

  // ---- 2. reopen to first query ----
  started = now();
  await store.close();
  const closeMs = now() - started;
  const afterClose = await inspect(mainName);
  log(`close(): ${fmt(closeMs)} ms (it compacts, and folds the index snapshot); then ${describeCounts(afterClose)}`);

  const emptyOpenMs: number[] = [];
  for (let k = 0; k < REOPENS; k++) {
    const name = `${mainName}-empty-${k}`;
    started = now();
    const empty = await openStore(name);
    emptyOpenMs.push(now() - started);
    await empty.close();
    await dropDatabase(`veclite:${name}`);
  }
  log(`openStore of an empty new store (worker start, kernels, IndexedDB open): ${emptyOpenMs.map(fmt).join(', ')} ms`);

  const compacted: ReopenTrial[] = [];
  for (let k = 0; k < REOPENS; k++) {
    const { store: reopened, trial } = await reopen(mainName, k);
    compacted.push(trial);
    log(
      `reopen ${k + 1}: openStore ${fmt(trial.openMs)} ms + first query ${fmt(trial.queryMs)} ms = ${fmt(trial.totalMs)} ms (${trial.points} points, ${trial.hits} hits; ` +
        `indexed ${trial.indexedBefore} → ${trial.indexedAfter}; second query ${fmt(trial.secondQueryMs)} ms)`,
    );
    await reopened.close();
  }
  const compactedState = await inspect(mainName);

  // ---- 3. single-point updates ----
  store = await openStore(mainName);
  const beforeUpdates = await inspect(mainName);
  const updates = await singleUpdates(store, UPDATES);
  await store.flush();
  const afterUpdates = await inspect(mainName);
  const upsertSummary = summarise(updates.upsertMs);
  const setPayloadSummary = summarise(updates.setPayloadMs);
  log(`single-point upsert ×${UPDATES}: p50 ${fmt(upsertSummary.p50)} ms, p95 ${fmt(upsertSummary.p95)} ms, max ${fmt(upsertSummary.max)} ms`);
  log(`single-point setPayload ×${UPDATES}: p50 ${fmt(setPayloadSummary.p50)} ms, p95 ${fmt(setPayloadSummary.p95)} ms, max ${fmt(setPayloadSummary.max)} ms`);
  log(`after the updates: ${describeCounts(afterUpdates)}`);
  await store.close();

  // ---- 2b. a store whose log was never compacted: written by an iframe that is then removed ----
  log(`writing "${killedName}" in an iframe with compactEvery 1,000,000; the iframe is removed without close()`);
  const writer = await inFrame<WriterReport>('writer', { store: killedName, compactEvery: '1000000' });
  const uncompactedState = await inspect(killedName);
  log(`writer: ${fmt(writer.upsertMs)} ms of upserts + ${fmt(writer.flushMs)} ms flush; left behind ${describeCounts(uncompactedState)}`);
  const uncompacted: ReopenTrial[] = [];
  for (let k = 0; k < REOPENS; k++) {
    const trial = await inFrame<ReopenTrial>('reopen', { store: killedName, trial: String(k) });
    uncompacted.push(trial);
    log(
      `reopen of the uncompacted store ${k + 1} (iframe): openStore ${fmt(trial.openMs)} ms + first query ${fmt(trial.queryMs)} ms = ${fmt(trial.totalMs)} ms (${trial.points} points; ` +
        `indexed ${trial.indexedBefore} → ${trial.indexedAfter}; second query ${fmt(trial.secondQueryMs)} ms)`,
    );
  }
  const stillUncompacted = await inspect(killedName);
  if (stillUncompacted.log !== uncompactedState.log) log(`warning: the uncompacted store changed while being reopened: ${describeCounts(stillUncompacted)}`);
  const iframeControl = await inFrame<ReopenTrial>('reopen', { store: mainName, trial: String(REOPENS) });
  log(`control: reopen of the compacted store in an iframe: ${fmt(iframeControl.openMs)} + ${fmt(iframeControl.queryMs)} = ${fmt(iframeControl.totalMs)} ms`);

  // ---- 4. where the time goes ----
  let breakdown: StorageBenchResult['breakdown'] = null;
  if (BREAKDOWN) {
    const stats = newStats();
    const timedName = `bench-storage-timed-${run}`;
    const { store: timed } = await openTimed(timedName, stats);
    await timed.createCollection(COLLECTION, { vectors: { size: DIM, distance: 'Cosine' } });
    resetStats(stats);
    const timedBulk = await bulkLoad(timed, data, 'in-process + timed IndexedDB bulk');
    const bulkIo = totals(stats, timedBulk.callsMs.length);
    log(
      `in-process bulk: ${fmt(timedBulk.upsertMs)} ms of upserts: catch-up reads ${fmt(bulkIo.changesSinceMs)} ms, append serialise ${fmt(bulkIo.appendSerialiseMs)} ms, ` +
        `append commit wait ${fmt(bulkIo.appendCommitMs)} ms, ${bulkIo.compactions.length} compaction(s) ${bulkIo.compactions.map((c) => `${c.chunks} chunks ${fmt(c.serialiseMs)}+${fmt(c.commitMs)} ms`).join(', ')}`,
    );
    resetStats(stats);
    started = now();
    await timed.compact();
    const inProcessCompact = { totalMs: now() - started, io: totals(stats, 1) };
    log(`in-process compact(): ${fmt(inProcessCompact.totalMs)} ms (${inProcessCompact.io.compactions.map((c) => `${c.chunks} chunks, serialise ${fmt(c.serialiseMs)} ms, commit ${fmt(c.commitMs)} ms`).join('; ')})`);
    resetStats(stats);
    const timedUpdates = await singleUpdates(timed, UPDATES);
    await timed.flush();
    const updatesIo = totals(stats, UPDATES * 2);
    const inProcessUpdates = {
      upsert: summarise(timedUpdates.upsertMs),
      setPayload: summarise(timedUpdates.setPayloadMs),
      changesSince: summarise(stats.changesSince),
      appendSerialise: summarise(stats.appendSerialise),
      appendCommit: summarise(stats.appendCommit),
      io: updatesIo,
    };
    log(
      `in-process single upsert p50 ${fmt(inProcessUpdates.upsert.p50)} ms (catch-up read p50 ${fmt(inProcessUpdates.changesSince.p50)} ms, append commit p50 ${fmt(inProcessUpdates.appendCommit.p50)} ms), ` +
        `setPayload p50 ${fmt(inProcessUpdates.setPayload.p50)} ms; ${updatesIo.compactions.length} compactions of ${updatesIo.compactions.map((c) => c.chunks).join(', ')} chunks`,
    );
    await timed.close();

    resetStats(stats);
    const reopenedTimed = await openTimed(timedName, stats);
    started = now();
    await reopenedTimed.store.query(COLLECTION, { query: queryVector(0), limit: 10 });
    const inProcessReopen = { openMs: reopenedTimed.openMs, loadMs: stats.load[0] ?? NaN, queryMs: now() - started };
    await reopenedTimed.store.close();
    await dropDatabase(`veclite:${timedName}`);
    resetStats(stats);
    const reopenedKilled = await openTimed(killedName, stats, { skipCompaction: true });
    started = now();
    await reopenedKilled.store.query(COLLECTION, { query: queryVector(0), limit: 10 });
    const inProcessReopenUncompacted = { openMs: reopenedKilled.openMs, loadMs: stats.load[0] ?? NaN, queryMs: now() - started };
    await reopenedKilled.store.close();
    log(
      `in-process reopen: compacted ${fmt(inProcessReopen.openMs)} ms (IndexedDB load ${fmt(inProcessReopen.loadMs)} ms) + query ${fmt(inProcessReopen.queryMs)} ms; ` +
        `uncompacted ${fmt(inProcessReopenUncompacted.openMs)} ms (load ${fmt(inProcessReopenUncompacted.loadMs)} ms) + query ${fmt(inProcessReopenUncompacted.queryMs)} ms`,
    );

    const memoryName = `bench-storage-memory-${run}`;
    const memory = await openStore(memoryName, { persistence: 'memory' });
    await memory.createCollection(COLLECTION, { vectors: { size: DIM, distance: 'Cosine' } });
    const memoryBulk = await bulkLoad(memory, data, 'worker + memory bulk');
    const memoryUpdates = await singleUpdates(memory, UPDATES);
    await memory.close();
    const workerMemoryBulk = { upsertMs: memoryBulk.upsertMs, batch: summarise(memoryBulk.callsMs) };
    const workerMemoryUpdates = { upsert: summarise(memoryUpdates.upsertMs), setPayload: summarise(memoryUpdates.setPayloadMs) };
    log(`worker + memory: bulk ${fmt(workerMemoryBulk.upsertMs)} ms; single upsert p50 ${fmt(workerMemoryUpdates.upsert.p50)} ms, setPayload p50 ${fmt(workerMemoryUpdates.setPayload.p50)} ms`);

    const micro = await microOperations(UPDATES);
    log(
      `raw micro p50: strict one-point put ${fmt(micro.strictPut.p50)} ms, relaxed ${fmt(micro.relaxedPut.p50)} ms, catch-up read transaction ${fmt(micro.catchUpRead.p50)} ms, Web Lock ${fmt(micro.webLock.p50)} ms`,
    );
    breakdown = {
      inProcessBulk: { upsertMs: timedBulk.upsertMs, flushMs: timedBulk.flushMs, batch: summarise(timedBulk.callsMs), io: bulkIo },
      inProcessCompact,
      inProcessUpdates,
      inProcessReopen,
      inProcessReopenUncompacted,
      workerMemoryBulk,
      workerMemoryUpdates,
      micro,
    };
  }
  await dropDatabase(`veclite:${killedName}`);
  await dropDatabase(`veclite:${mainName}`);

  // ---- 5. raw IndexedDB layouts ----
  let raw: StorageBenchResult['raw'] = null;
  if (RAW) {
    await sleep(1000);
    const chunked = await rawChunked(data);
    log(`raw chunked (vectors + payloads by ${CHUNK}, ${chunked.records} records, one transaction): write ${fmt(chunked.writeMs)} ms, reopen + read all ${fmt(chunked.readMs)} ms`);
    const chunkedBlobs = await rawChunkedBlobs(data);
    log(`raw chunked, vector chunks as Blobs: write ${fmt(chunkedBlobs.writeMs)} ms, reopen + read all (incl. blob.arrayBuffer()) ${fmt(chunkedBlobs.readMs)} ms`);
    const logStyle = await rawLogStyle(data);
    log(`raw log-style (one record per ${BATCH} points, ${logStyle.records} strict transactions): write ${fmt(logStyle.writeMs)} ms, reopen + read all ${fmt(logStyle.readMs)} ms`);
    const logStyleRelaxed = await rawLogStyle(data, RELAXED);
    log(`raw log-style, relaxed durability: write ${fmt(logStyleRelaxed.writeMs)} ms, reopen + read all ${fmt(logStyleRelaxed.readMs)} ms`);
    let perPoint: RawLayout | null = null;
    if (PER_POINT) {
      perPoint = await rawPerPoint(data);
      log(
        `raw one record per point (${perPoint.points} points${perPoint.complete ? '' : `, stopped at the ${RAW_BUDGET_MS / 1000} s budget`}): write ${fmt(perPoint.writeMs)} ms, reopen + read all ${fmt(perPoint.readMs)} ms` +
          (perPoint.complete ? '' : ` (for ${N}: ~${fmt(perPoint.writeMsForN)} / ~${fmt(perPoint.readMsForN)} ms)`),
      );
    }
    // The engine's own time per batch: the worker + memory bulk of section 4 (no IndexedDB at all).
    const cpuMs = breakdown ? breakdown.workerMemoryBulk.upsertMs / Math.ceil(N / BATCH) : intParam('anatomycpu', 12);
    const anatomy = await transactionAnatomy(data, cpuMs, 3, 10);
    log(`raw transaction anatomy (${anatomy.transactions} transactions per way, ${fmt(cpuMs)} ms of CPU where modelled): ` + Object.entries(anatomy.variants).map(([way, v]) => `${way} ${fmt(v.call.mean)} + ${fmt(v.wait.mean)} ms`).join(', '));
    raw = { perPoint, chunked, chunkedBlobs, logStyle, logStyleRelaxed, anatomy };
  }

  return {
    params: { n: N, dim: DIM, batch: BATCH, updates: UPDATES, reopens: REOPENS, compactEvery: DEFAULT_COMPACT_EVERY, breakdown: BREAKDOWN, raw: RAW, perPoint: PER_POINT, rawBudgetMs: RAW_BUDGET_MS },
    env: {
      userAgent: navigator.userAgent,
      hardwareConcurrency: navigator.hardwareConcurrency,
      kernels: info.kernels,
      storage: info.storage,
      durability: info.durability ?? 'n/a',
      worker: info.worker,
      chunkSlots: info.chunkSlots,
    },
    bulk: {
      upsertMs: bulk.upsertMs,
      flushMs: bulk.flushMs,
      persistedMs: bulk.upsertMs + bulk.flushMs,
      trialsMs,
      medianMs: median(trialsMs),
      strictTrialsMs,
      strictMedianMs: strictTrialsMs.length ? median(strictTrialsMs) : null,
      wallMs: bulk.wallMs,
      pointsPerSecond: (N / (bulk.upsertMs + bulk.flushMs)) * 1000,
      batch: summarise(bulk.callsMs),
      slowest: slowest(bulk.callsMs, 3),
      afterFlush,
      compactMs,
      afterCompact,
      firstQueriesMs: firstQueries,
      indexedAfterQuery,
      untilGreenMs,
      closeMs,
      afterClose,
      usageBytes,
    },
    reopen: {
      emptyOpenMs,
      compacted,
      compactedState,
      uncompacted,
      uncompactedState,
      writer: { upsertMs: writer.upsertMs, flushMs: writer.flushMs, batch: summarise(writer.callsMs) },
      iframeControl,
    },
    updates: {
      upsert: upsertSummary,
      setPayload: setPayloadSummary,
      upsertOver50: updates.upsertMs.filter((ms) => ms > 50).length,
      setPayloadOver50: updates.setPayloadMs.filter((ms) => ms > 50).length,
      before: beforeUpdates,
      after: afterUpdates,
    },
    breakdown,
    raw,
    totalSeconds: (now() - t0) / 1000,
  };
}

/** Runs the job of an iframe and reports to the parent page. */
function runInFrame(job: () => Promise<unknown>): void {
  const frame = params.get('frame');
  job().then(
    (result) => {
      log('done');
      window.parent.postMessage({ frame, result }, location.origin);
    },
    (error: unknown) => {
      const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      log(`FAILED: ${message}`);
      window.parent.postMessage({ frame, error: message }, location.origin);
    },
  );
}

/**
 * role=profile (not used by run.mjs): exposes `window.__profileBulk()` — the bulk load on an
 * in-process store (`?persistence=memory|indexeddb`), so a CPU profiler attached to this page
 * sees the engine's own functions on the main thread.
 */
function profileRole(): void {
  const persistence = params.get('persistence') === 'indexeddb' ? 'indexeddb' : 'memory';
  const data = dataSet();
  const target = window as unknown as { __profileBulk?: () => Promise<BulkTiming>; __profileReady?: boolean };
  target.__profileBulk = async () => {
    const name = `bench-storage-profile-${Date.now()}`;
    const store = await openStore(name, { worker: false, persistence });
    await store.createCollection(COLLECTION, { vectors: { size: DIM, distance: 'Cosine' } });
    const bulk = await bulkLoad(store, data, `in-process ${persistence} bulk (profiled)`);
    await store.close();
    if (persistence === 'indexeddb') await dropDatabase(`veclite:${name}`);
    return bulk;
  };
  target.__profileReady = true;
  log('ready: call window.__profileBulk()');
}

if (ROLE === 'profile') profileRole();
else if (ROLE === 'writer') runInFrame(writerRole);
else if (ROLE === 'reopen') runInFrame(reopenRole);
else publishOutcome(main(), log);
