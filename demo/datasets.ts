/**
 * The demo's two real data sets, precomputed by scripts/build-demo-data.mjs into
 * demo/public/data/ and served with the page (never from the network). On a first visit they are
 * fetched and inserted into veclite in batches of 1,000; afterwards they come from IndexedDB:
 * a collection whose metadata carries the manifest's version and `complete: true` is used as is.
 */
import type { VecliteClient } from '../src/index';

const DATA = `${import.meta.env.BASE_URL}data/`;

export interface Manifest {
  wordnet: { vectors: string; payloads: string; count: number; dim: number; distance: 'Cosine'; perPos: Record<string, number>; version: string };
  mnist: { images: string; testImages: string; meta: string; count: number; testCount: number; size: number; version: string };
}

export interface MnistMeta {
  stored: number;
  test: number;
  labels: number[];
  testLabels: number[];
}

interface WordnetJson {
  count: number;
  dim: number;
  encoding: { codes: { offset: number; length: number }; scales: { offset: number; length: number } };
  fields: string[];
  points: [lemma: string, gloss: string, pos: string, synonyms: string[]][];
}

/** Names of the collections and of MNIST's named vectors (one per metric). */
export const WORDNET = 'wordnet';
export const MNIST = 'mnist';
export const METRICS = [
  { name: 'euclid', distance: 'Euclid', label: 'Euclid (L2)', lowerIsCloser: true },
  { name: 'cosine', distance: 'Cosine', label: 'Cosine', lowerIsCloser: false },
  { name: 'dot', distance: 'Dot', label: 'Dot product', lowerIsCloser: false },
  { name: 'manhattan', distance: 'Manhattan', label: 'Manhattan (L1)', lowerIsCloser: true },
] as const;
export type MetricName = (typeof METRICS)[number]['name'];

const BATCH = 1000;

async function fetchOk(file: string): Promise<Response> {
  const response = await fetch(DATA + file);
  if (!response.ok) throw new Error(`could not load ${file}: HTTP ${response.status}`);
  return response;
}

/**
 * A fetch made once and shared by every caller, until it fails: a failed one is forgotten, so
 * that a retry fetches again instead of getting the same rejection.
 */
function shared<T>(load: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    if (!pending) {
      const attempt = load();
      pending = attempt;
      attempt.catch(() => {
        if (pending === attempt) pending = undefined;
      });
    }
    return pending;
  };
}

/** The manifest (counts and versions), fetched once. */
export const loadManifest = shared(() => fetchOk('manifest.json').then((r) => r.json() as Promise<Manifest>));

/** Inflates a raw-DEFLATE file with the browser's DecompressionStream. */
async function fetchDeflated(file: string): Promise<Uint8Array> {
  const response = await fetchOk(file);
  if (!response.body) throw new Error(`${file}: empty response`);
  const inflated = response.body.pipeThrough(new DecompressionStream('deflate-raw'));
  return new Uint8Array(await new Response(inflated).arrayBuffer());
}

/** mnist.json: the labels of the stored and of the held-out digits. */
export const loadMnistMeta = shared(() => loadManifest().then((m) => fetchOk(m.mnist.meta)).then((r) => r.json() as Promise<MnistMeta>));

/** The held-out test digits (never stored): 784 uint8 pixels each. */
export const loadMnistTestImages = shared(() => loadManifest().then((m) => fetchDeflated(m.mnist.testImages)));

/** What happened when a data set was made available. */
export interface LoadReport {
  source: 'indexeddb' | 'inserted';
  count: number;
  /** Points inserted by this page load (0 when they came from IndexedDB). */
  inserted: number;
  /** Batches upserted by this page load. */
  batches: number;
  /** Milliseconds spent fetching the files (0 from IndexedDB). */
  fetchMs: number;
  /** Milliseconds spent inserting (0 from IndexedDB). */
  insertMs: number;
}

export type Phase = 'waiting' | 'checking' | 'fetching' | 'inserting';

export interface Progress {
  phase(phase: Phase): void;
  inserted(done: number, total: number): void;
}

interface Plan {
  name: string;
  version: string;
  count: number;
  create(store: VecliteClient): Promise<void>;
  /** Fetches the files and returns the batches to upsert. */
  fetch(): Promise<{ total: number; batches: () => Iterable<Parameters<VecliteClient['upsert']>[1]> }>;
}

/**
 * Makes a data set available, one tab at a time: two tabs opened together on a first visit would
 * otherwise both fetch and insert it, and the second, finding the first one's collection still
 * incomplete, would delete it under the first. A tab that finds the data set being loaded
 * elsewhere says so and waits, then finds it complete.
 */
async function ensure(store: VecliteClient, plan: Plan, progress: Progress): Promise<LoadReport> {
  const locks = (navigator as Navigator & { locks?: LockManager }).locks;
  if (!locks) return ensureHere(store, plan, progress);
  const lockName = `veclite-demo:load:${plan.name}`;
  const report = await locks.request(lockName, { ifAvailable: true }, (lock) => (lock ? ensureHere(store, plan, progress) : null));
  if (report) return report;
  progress.phase('waiting');
  return locks.request(lockName, () => ensureHere(store, plan, progress));
}

/** Uses the stored collection if it is complete and of this version; otherwise (re)builds it. */
async function ensureHere(store: VecliteClient, plan: Plan, progress: Progress): Promise<LoadReport> {
  progress.phase('checking');
  // Another tab may have just finished loading it: see its writes before judging.
  await store.flush();
  if ((await store.collectionExists(plan.name)).exists) {
    const info = await store.getCollection(plan.name);
    const metadata = info.config.metadata ?? {};
    if (metadata.version === plan.version && metadata.complete === true && info.points_count === plan.count) {
      return { source: 'indexeddb', count: info.points_count, inserted: 0, batches: 0, fetchMs: 0, insertMs: 0 };
    }
    await store.deleteCollection(plan.name); // an older data set, or a first load that was interrupted
  }
  progress.phase('fetching');
  const fetchStarted = performance.now();
  const { total, batches } = await plan.fetch();
  const fetchMs = performance.now() - fetchStarted;
  progress.phase('inserting');
  progress.inserted(0, total);
  const insertStarted = performance.now();
  let done = 0;
  let count = 0;
  try {
    await plan.create(store);
    for (const batch of batches()) {
      await store.upsert(plan.name, batch);
      done += 'batch' in batch ? batch.batch.ids.length : batch.points.length;
      count++;
      progress.inserted(done, total);
    }
    await store.updateCollection(plan.name, { metadata: { complete: true } });
  } catch (error) {
    // A half-filled collection would keep its share of the quota (after a 507, the very thing
    // that is short) until the next visit: remove it now; the next visit loads it again.
    await store.deleteCollection(plan.name).catch(() => {});
    throw error;
  }
  const insertMs = performance.now() - insertStarted;
  const info = await store.getCollection(plan.name);
  return { source: 'inserted', count: info.points_count, inserted: done, batches: count, fetchMs, insertMs };
}

/** WordNet glosses with their USE-lite embeddings (512-d, Cosine), payload {lemma, gloss, pos, synonyms}. */
export async function ensureWordnet(store: VecliteClient, progress: Progress): Promise<LoadReport> {
  const m = (await loadManifest()).wordnet;
  return ensure(
    store,
    {
      name: WORDNET,
      version: m.version,
      count: m.count,
      async create(s) {
        await s.createCollection(WORDNET, {
          vectors: { size: m.dim, distance: m.distance },
          metadata: { dataset: 'WordNet 3.1 glosses, USE-lite embeddings', version: m.version, complete: false },
        });
        await s.createPayloadIndex(WORDNET, { field_name: 'pos', field_schema: 'keyword' });
      },
      async fetch() {
        const [bin, json] = await Promise.all([
          fetchOk(m.vectors).then((r) => r.arrayBuffer()),
          fetchOk(m.payloads).then((r) => r.json() as Promise<WordnetJson>),
        ]);
        const { count, dim, encoding } = json;
        const codes = new Int8Array(bin, encoding.codes.offset, encoding.codes.length);
        const scales = new Float32Array(bin.slice(encoding.scales.offset, encoding.scales.offset + encoding.scales.length * 4));
        return {
          total: count,
          *batches() {
            for (let first = 0; first < count; first += BATCH) {
              const n = Math.min(BATCH, count - first);
              const data = new Float32Array(n * dim); // one buffer per batch: the views below share it
              const ids: number[] = [];
              const vectors: Float32Array[] = [];
              const payloads: Record<string, unknown>[] = [];
              for (let k = 0; k < n; k++) {
                const i = first + k;
                const scale = scales[i];
                for (let d = 0; d < dim; d++) data[k * dim + d] = codes[i * dim + d] * scale;
                const [lemma, gloss, pos, synonyms] = json.points[i];
                ids.push(i);
                vectors.push(data.subarray(k * dim, (k + 1) * dim));
                payloads.push({ lemma, gloss, pos, synonyms });
              }
              yield { batch: { ids, vectors, payloads } };
            }
          },
        };
      },
    },
    progress,
  );
}

/** MNIST digits with one named vector per metric (the same 784 pixels, 0…1), payload {label}. */
export async function ensureMnist(store: VecliteClient, progress: Progress): Promise<LoadReport> {
  const m = (await loadManifest()).mnist;
  return ensure(
    store,
    {
      name: MNIST,
      version: m.version,
      count: m.count,
      async create(s) {
        const vectors = Object.fromEntries(METRICS.map((metric) => [metric.name, { size: m.size, distance: metric.distance }]));
        await s.createCollection(MNIST, {
          vectors,
          metadata: { dataset: 'MNIST digits, 28×28 pixels', version: m.version, complete: false },
        });
        await s.createPayloadIndex(MNIST, { field_name: 'label', field_schema: 'integer' });
      },
      async fetch() {
        const [images, meta] = await Promise.all([fetchDeflated(m.images), loadMnistMeta()]);
        const size = m.size;
        return {
          total: m.count,
          *batches() {
            for (let first = 0; first < m.count; first += BATCH) {
              const n = Math.min(BATCH, m.count - first);
              const data = new Float32Array(n * size);
              for (let j = 0; j < n * size; j++) data[j] = images[first * size + j] / 255;
              const ids: number[] = [];
              const column: Float32Array[] = [];
              const payloads: Record<string, unknown>[] = [];
              for (let k = 0; k < n; k++) {
                ids.push(first + k);
                column.push(data.subarray(k * size, (k + 1) * size));
                payloads.push({ label: meta.labels[first + k] });
              }
              // Every metric gets the same pixels: one buffer crosses to the worker.
              const vectors = Object.fromEntries(METRICS.map((metric) => [metric.name, column]));
              yield { batch: { ids, vectors, payloads } };
            }
          },
        };
      },
    },
    progress,
  );
}
