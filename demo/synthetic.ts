/**
 * The "Synthetic" panel: inserts seeded clustered vectors in batches, searches them, and shows
 * that they survive a reload. Drives `body[data-busy]` and the page's status line.
 */
import type { ScoredPoint, VecliteClient } from '../src/index';
import { clusterCentres, generateBatch, randomQuery } from './data';
import { byTestId, describeError, format } from './dom';
import { recordLatency } from './latency';

const COLLECTION = 'demo';
const BATCH = 1000;
/** The most numbers (N × dimension) one insert may ask for: 200 MB of f32. */
const MAX_NUMBERS = 50_000_000;

const ui = {
  status: byTestId<HTMLParagraphElement>('status'),
  count: byTestId('count'),
  collectionInfo: byTestId('collection-info'),
  form: document.getElementById('insert-form') as HTMLFormElement,
  n: byTestId<HTMLInputElement>('input-n'),
  dim: byTestId<HTMLInputElement>('input-dim'),
  insert: byTestId<HTMLButtonElement>('insert'),
  reset: byTestId<HTMLButtonElement>('reset'),
  reload: byTestId<HTMLButtonElement>('reload'),
  search: byTestId<HTMLButtonElement>('search'),
  mode: byTestId<HTMLSelectElement>('search-mode'),
  progress: byTestId<HTMLProgressElement>('progress'),
  progressText: byTestId('progress-text'),
  queryInfo: byTestId('query-info'),
  latency: byTestId('latency'),
  table: byTestId<HTMLTableElement>('results'),
  results: document.getElementById('results-body') as HTMLTableSectionElement,
};

type StatusKind = 'info' | 'ok' | 'error';

/** The page's status line (store opening, synthetic inserts and searches, uncaught errors). */
export function setStatus(text: string, kind: StatusKind = 'info'): void {
  ui.status.textContent = text;
  ui.status.className = `status ${kind === 'info' ? '' : kind}`.trim();
  ui.status.dataset.kind = kind;
}

let store: VecliteClient | undefined;
/** What is known of the collection: undefined when it does not exist. */
let collection: { count: number; dim: number; distance: string } | undefined;
let busy = false;
/** Called after writes, so other views can refresh their counts. */
let changed: () => void = () => {};

/** Disables the synthetic panel's controls while an action (or the start) runs. */
export function setBusy(value: boolean): void {
  busy = value;
  document.body.dataset.busy = String(value);
  const noStore = store === undefined;
  ui.insert.disabled = value || noStore;
  ui.search.disabled = value || noStore;
  ui.reset.disabled = value || noStore;
  ui.n.disabled = value;
  ui.dim.disabled = value;
}

/** Runs one user action: buttons disabled meanwhile, any error shown in the status line. */
async function run(action: () => Promise<void>): Promise<void> {
  if (busy) return;
  setBusy(true);
  try {
    await action();
  } catch (error) {
    setStatus(describeError(error), 'error');
  } finally {
    setBusy(false);
  }
}

function requireStore(): VecliteClient {
  if (!store) throw new Error('the store is not open');
  return store;
}

/** Reads the collection's count and config from the store and shows them. */
async function refreshCollection(): Promise<void> {
  const s = requireStore();
  const { exists } = await s.collectionExists(COLLECTION);
  if (!exists) {
    collection = undefined;
  } else {
    const info = await s.getCollection(COLLECTION);
    const vectors = info.config.params.vectors as { size: number; distance: string };
    collection = { count: info.points_count, dim: vectors.size, distance: vectors.distance };
  }
  renderCollection();
}

function renderCollection(): void {
  const count = collection?.count ?? 0;
  ui.count.textContent = format(count);
  ui.count.dataset.value = String(count);
  ui.collectionInfo.textContent = collection
    ? `${collection.dim} dimensions · ${collection.distance} · persisted in IndexedDB`
    : 'Not created yet: press Insert.';
  if (collection) ui.dim.value = String(collection.dim);
}

function setProgress(done: number, total: number): void {
  ui.progress.max = Math.max(total, 1);
  ui.progress.value = done;
  ui.progress.dataset.value = String(done);
  ui.progressText.textContent = `inserted ${format(done)} / ${format(total)}`;
  ui.progressText.dataset.value = String(done);
}

function readPositiveInt(input: HTMLInputElement, name: string, max: number): number {
  const value = Number(input.value);
  if (!Number.isInteger(value) || value < 1 || value > max) throw new Error(`${name} must be a whole number from 1 to ${format(max)}`);
  return value;
}

async function insert(): Promise<void> {
  const s = requireStore();
  const n = readPositiveInt(ui.n, 'N', 1_000_000);
  let dim = readPositiveInt(ui.dim, 'The dimension', 4096);
  // Refused before anything is written: beyond this the vectors outgrow WebAssembly's memory
  // and a typical quota, and the insert would fail only after minutes.
  if (n * dim > MAX_NUMBERS) throw new Error(`N × dimension is ${format(n * dim)} numbers; the demo takes up to ${format(MAX_NUMBERS)} (about ${format((MAX_NUMBERS * 4) / 2 ** 20)} MiB)`);
  await refreshCollection();
  let note = '';
  if (!collection) {
    await s.createCollection(COLLECTION, { vectors: { size: dim, distance: 'Cosine' } });
    await refreshCollection();
  } else if (collection.dim !== dim) {
    note = ` (the collection exists with ${collection.dim} dimensions, so that is used; Reset to change it)`;
    dim = collection.dim;
  }
  const first = collection?.count ?? 0; // ids continue after the points already stored
  const centres = clusterCentres(dim);
  setProgress(0, n);
  setStatus(`Inserting ${format(n)} points of ${dim} dimensions${note}…`);
  const started = performance.now();
  try {
    for (let done = 0; done < n; ) {
      const size = Math.min(BATCH, n - done);
      const batch = generateBatch(first + done, size, dim, centres);
      await s.upsert(COLLECTION, { wait: true, batch });
      done += size;
      setProgress(done, n);
    }
  } finally {
    // Also after a failed batch: the batches before it are stored, and the count says so.
    await refreshCollection().catch(() => {});
    changed();
  }
  const seconds = (performance.now() - started) / 1000;
  setStatus(`Inserted ${format(n)} points in ${seconds.toFixed(1)} s (${format(Math.round(n / seconds))} points/s)${note}.`, 'ok');
}

async function search(): Promise<void> {
  const s = requireStore();
  await refreshCollection();
  if (!collection || collection.count === 0) throw new Error('the collection is empty: insert some points first');
  const { dim, count } = collection;
  let query: number | number[];
  let description: string;
  if (ui.mode.value === 'point') {
    query = Math.floor(Math.random() * count); // ids are 0 … count-1: the demo inserts them in sequence
    description = `Nearest neighbours of point ${query} (the point itself is excluded)`;
  } else {
    query = randomQuery(dim, clusterCentres(dim), (Math.random() * 2 ** 32) >>> 0);
    description = `Nearest neighbours of a random ${dim}-d vector`;
  }
  const started = performance.now();
  const { points } = await s.query(COLLECTION, { query, limit: 10, with_payload: true });
  const ms = performance.now() - started;
  recordLatency(ms, COLLECTION);
  renderResults(points);
  ui.queryInfo.textContent = `${description}: ${points.length} results.`;
  ui.latency.textContent = `${ms.toFixed(2)} ms`;
  ui.latency.dataset.value = ms.toFixed(3);
  setStatus(`Searched ${format(count)} points in ${ms.toFixed(2)} ms.`, 'ok');
}

function renderResults(points: ScoredPoint[]): void {
  const rows = points.map((point, i) => {
    const tr = document.createElement('tr');
    tr.dataset.testid = 'result-row';
    const cells: [string, string][] = [
      ['rank', String(i + 1)],
      ['result-id', String(point.id)],
      ['result-score', point.score.toFixed(4)],
      ['result-payload', JSON.stringify(point.payload ?? {})],
    ];
    for (const [testid, text] of cells) {
      const td = document.createElement('td');
      td.dataset.testid = testid;
      td.textContent = text;
      if (testid === 'result-payload') td.className = 'payload';
      if (testid === 'result-score') td.dataset.value = String(point.score);
      tr.append(td);
    }
    return tr;
  });
  ui.results.replaceChildren(...rows);
  ui.table.dataset.searches = String(Number(ui.table.dataset.searches ?? 0) + 1);
}

async function reset(): Promise<void> {
  const s = requireStore();
  const existed = await s.deleteCollection(COLLECTION);
  await refreshCollection();
  changed();
  ui.results.replaceChildren();
  ui.queryInfo.textContent = 'No search yet.';
  ui.latency.textContent = '—';
  ui.latency.dataset.value = '';
  setProgress(0, 0);
  setStatus(existed ? `Deleted the collection "${COLLECTION}".` : `There was no collection "${COLLECTION}" to delete.`, 'ok');
}

ui.form.addEventListener('submit', (event) => {
  event.preventDefault();
  void run(insert);
});
ui.search.addEventListener('click', () => void run(search));
ui.reset.addEventListener('click', () => void run(reset));
ui.reload.addEventListener('click', () => location.reload());

/**
 * Connects the panel to the open store and reads the collection. Returns the number of
 * synthetic points found in IndexedDB (undefined when there is no such collection).
 */
export async function attachSynthetic(opened: VecliteClient, onChange: () => void): Promise<number | undefined> {
  store = opened;
  changed = onChange;
  await refreshCollection();
  setProgress(0, 0);
  return collection?.count;
}
