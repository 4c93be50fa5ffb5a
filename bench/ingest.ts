/**
 * Bulk-ingest benchmark body (run by bench/ingest-node.mjs in Node through Vite's SSR loader).
 *
 * It loads N points of `dim` dimensions in batches through one veclite source tree, given as a
 * set of modules, so that the same process can time two trees (the working tree and a base
 * commit) side by side. Every run uses a fresh store with `persistence: 'memory'` (no storage
 * cost at all) and reports:
 *
 * - `inproc`: `openStore(…, {worker: false})` and `upsert` with number[] vectors — the REST and
 *   in-process path;
 * - `worker`: what a worker store does per call, in one thread: the client packs the body
 *   (src/client/pack.ts), the message is structured-cloned with the vector buffer transferred
 *   (what postMessage does), and the engine host answers it as the worker's host would;
 * - `phases`: parse, resolve, apply, log encoding and the compaction's chunk copies timed
 *   separately, on a bare Collection driven as the engine's write path drives it.
 *
 * Each form is timed for the columnar `batch` body and the `points` body.
 */

/** The modules of one source tree that the benchmark drives. */
export interface IngestModules {
  openStore: (name: string, options: Record<string, unknown>) => Promise<{
    createCollection(name: string, body: unknown): Promise<unknown>;
    upsert(name: string, body: Record<string, unknown>): Promise<unknown>;
    count(name: string, body?: unknown): Promise<{ count: number }>;
    close(): Promise<void>;
  }>;
  createEngineHost: (options?: Record<string, unknown>) => {
    open(name: string, options: Record<string, unknown>): Promise<{ ok: boolean }>;
    call(method: string, args: unknown[]): Promise<{ ok: boolean; value?: unknown; error?: unknown }>;
    close(): Promise<unknown>;
  };
  /** The options `src/worker.ts` of this tree gives createEngineHost. */
  workerHostOptions?: Record<string, unknown>;
  packUpsert: (body: unknown) => { body: unknown; transfer: ArrayBuffer[] };
  parseOperation: (kind: 'upsert', body: unknown, config: unknown, path?: string, options?: unknown) => unknown;
  resolveOperation: (collection: unknown, request: unknown) => unknown;
  encodeOperation: (op: unknown, config: unknown) => unknown;
  parseCreateCollection: (body: unknown) => unknown;
  Collection: new (name: string, uid: string, config: unknown, kernels: unknown) => {
    apply(op: unknown, opId: number): void;
    beginUndo(): void;
    commitUndo(): void;
    takeDirtyChunks(): { points: { no: number; from: number }[]; vectors: Map<string, { no: number; from: number }[]> };
    readPointsChunk(chunk: number, from?: number): unknown;
    spaces: Map<string, { readChunk(chunk: number, from?: number): unknown }>;
    pointsCount: number;
    dispose(): void;
  };
  loadKernels: () => Promise<unknown>;
  /** Parse options that say "this body crossed a structured clone" in this tree, if it has them. */
  clonedParseOptions?: unknown;
}

/** Benchmark parameters. */
export interface IngestParams {
  n: number;
  dim: number;
  batch: number;
  /** Which runs: any of inproc-batch, inproc-points, worker-batch, worker-points, phases-batch, phases-points, phases-worker-batch. */
  runs: string[];
  seed: number;
}

/** One timed run: total and per-part milliseconds over all batches. */
export interface IngestRun {
  run: string;
  totalMs: number;
  /** CPU time of the process (all threads: user + system) over the timed spans; steadier than wall time on a busy machine. */
  cpuMs: number;
  parts: Record<string, number>;
  points: number;
}

const TAGS = ['news', 'sport', 'science', 'music', 'travel', 'food', 'health', 'tech'];

function payloadOf(i: number): { i: number; tag: string; title: string } {
  const tag = TAGS[i % TAGS.length];
  return { i, tag, title: `Document ${String(i).padStart(6, '0')} about ${tag}` };
}

/** A small seeded generator (mulberry32). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A pool of batches of unit vectors as number[] (what users hold), reused round-robin with fresh
 * ids and payloads, so that generating 100k × 384 numbers is not part of the measured process.
 */
export function vectorPool(batches: number, size: number, dim: number, seed: number): number[][][] {
  const next = random(seed);
  const pool: number[][][] = [];
  for (let b = 0; b < batches; b++) {
    const rows: number[][] = [];
    for (let r = 0; r < size; r++) {
      const row = new Array<number>(dim);
      let norm = 0;
      for (let d = 0; d < dim; d++) {
        row[d] = next() * 2 - 1;
        norm += row[d] * row[d];
      }
      norm = Math.sqrt(norm);
      for (let d = 0; d < dim; d++) row[d] = Math.fround(row[d] / norm);
      rows.push(row);
    }
    pool.push(rows);
  }
  return pool;
}

function bodyOf(form: 'batch' | 'points', first: number, vectors: number[][]): Record<string, unknown> {
  const ids: number[] = [];
  const payloads: ReturnType<typeof payloadOf>[] = [];
  for (let j = 0; j < vectors.length; j++) {
    ids.push(first + j);
    payloads.push(payloadOf(first + j));
  }
  if (form === 'batch') return { batch: { ids, vectors, payloads } };
  return { points: ids.map((id, j) => ({ id, vector: vectors[j], payload: payloads[j] })) };
}

const now = (): number => performance.now();
const cpuNow = (): number => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
};
let storeCounter = 0;

/** Runs one named run against one source tree. */
export async function runIngest(mods: IngestModules, params: IngestParams, run: string, pool: number[][][]): Promise<IngestRun> {
  const { n, dim, batch } = params;
  const [kind, ...rest] = run.split('-');
  const form = rest[rest.length - 1] as 'batch' | 'points';
  const batches = Math.ceil(n / batch);
  const parts: Record<string, number> = {};
  const add = (part: string, ms: number): void => {
    parts[part] = (parts[part] ?? 0) + ms;
  };
  let cpuMs = 0;
  let cpuFrom = 0;
  const cpuStart = (): void => {
    cpuFrom = cpuNow();
  };
  const cpuStop = (): void => {
    cpuMs += cpuNow() - cpuFrom;
  };
  const collectionBody = { vectors: { size: dim, distance: 'Cosine' } };
  let points = 0;

  if (kind === 'inproc') {
    const store = await mods.openStore(`ingest-${++storeCounter}`, { worker: false, persistence: 'memory' });
    await store.createCollection('c', collectionBody);
    for (let b = 0; b < batches; b++) {
      const body = bodyOf(form, b * batch, pool[b % pool.length]);
      cpuStart();
      const t0 = now();
      await store.upsert('c', { wait: true, ...body });
      add('upsert', now() - t0);
      cpuStop();
    }
    points = (await store.count('c')).count;
    await store.close();
  } else if (kind === 'worker') {
    const host = mods.createEngineHost(mods.workerHostOptions);
    const opened = await host.open(`ingest-${++storeCounter}`, { persistence: 'memory' });
    if (!opened.ok) throw new Error('open failed');
    await host.call('createCollection', ['c', collectionBody]);
    for (let b = 0; b < batches; b++) {
      const body = bodyOf(form, b * batch, pool[b % pool.length]);
      cpuStart();
      const t0 = now();
      const packed = mods.packUpsert(body);
      const t1 = now();
      // What postMessage does to Comlink's message: one structured clone, the vector buffer moved.
      const message = structuredClone({ args: ['c', packed.body, { wait: true }] }, { transfer: packed.transfer });
      const t2 = now();
      const outcome = await host.call('upsert', message.args);
      const t3 = now();
      cpuStop();
      if (!outcome.ok) throw new Error(`upsert failed: ${JSON.stringify(outcome.error)}`);
      add('pack', t1 - t0);
      add('clone', t2 - t1);
      add('engine', t3 - t2);
    }
    const counted = await host.call('count', ['c', {}]);
    points = (counted.value as { count: number }).count;
    await host.close();
  } else if (kind === 'phases') {
    const worker = rest[0] === 'worker';
    const kernels = await mods.loadKernels();
    const config = mods.parseCreateCollection(collectionBody);
    const collection = new mods.Collection('c', 'uid', config, kernels);
    for (let b = 0; b < batches; b++) {
      let body: unknown = bodyOf(form, b * batch, pool[b % pool.length]);
      if (worker) {
        const packed = mods.packUpsert(body);
        body = structuredClone(packed.body, { transfer: packed.transfer });
      }
      // As the engine's write path does it: parse, resolve and apply under the undo log, encode
      // the log record, and every 64 records copy the dirty chunks out (what compaction reads).
      cpuStart();
      const t0 = now();
      const request = worker ? mods.parseOperation('upsert', body, config, 'body', mods.clonedParseOptions) : mods.parseOperation('upsert', body, config);
      const t1 = now();
      collection.beginUndo();
      const op = mods.resolveOperation(collection, request);
      const t2 = now();
      collection.apply(op, b + 1);
      const t3 = now();
      mods.encodeOperation(op, config);
      collection.commitUndo();
      const t4 = now();
      if ((b + 1) % 64 === 0) {
        const dirty = collection.takeDirtyChunks();
        for (const { no, from } of dirty.points) collection.readPointsChunk(no, from);
        for (const [name, list] of dirty.vectors) for (const { no, from } of list) collection.spaces.get(name)?.readChunk(no, from);
      }
      const t5 = now();
      cpuStop();
      add('parse', t1 - t0);
      add('resolve', t2 - t1);
      add('apply', t3 - t2);
      add('encode', t4 - t3);
      add('compact', t5 - t4);
    }
    points = collection.pointsCount;
    collection.dispose();
  } else {
    throw new Error(`unknown run ${run}`);
  }
  const totalMs = Object.values(parts).reduce((a, b) => a + b, 0);
  return { run, totalMs, cpuMs, parts, points };
}
