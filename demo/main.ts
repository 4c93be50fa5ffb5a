/**
 * The veclite demo page: opens a store, inserts seeded clustered vectors in batches, searches
 * them, and shows that the data survives a reload. Plain DOM, no framework.
 */
import { openStore, QdrantError, type VecliteClient, type ScoredPoint } from '../src/index';
import { clusterCentres, generateBatch, randomQuery } from './data';

const STORE = 'veclite-demo';
const COLLECTION = 'demo';
const BATCH = 1000;

// ---- DOM ---------------------------------------------------------------------------------

function byTestId<T extends HTMLElement>(id: string): T {
  const element = document.querySelector<T>(`[data-testid="${id}"]`);
  if (!element) throw new Error(`the page has no element [data-testid="${id}"]`);
  return element;
}

const ui = {
  status: byTestId<HTMLParagraphElement>('status'),
  kernels: byTestId('info-kernels'),
  worker: byTestId('info-worker'),
  storage: byTestId('info-storage'),
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

const format = (n: number): string => n.toLocaleString('en-US');

type StatusKind = 'info' | 'ok' | 'error';

function setStatus(text: string, kind: StatusKind = 'info'): void {
  ui.status.textContent = text;
  ui.status.className = `status ${kind === 'info' ? '' : kind}`.trim();
  ui.status.dataset.kind = kind;
}

function describeError(error: unknown): string {
  if (error instanceof QdrantError) return `Error ${error.status}: ${error.message}`;
  if (error instanceof Error) return `Error: ${error.message}`;
  return `Error: ${String(error)}`;
}

// Anything that escapes a handler still ends up on the page, not only in the console.
window.addEventListener('error', (event) => setStatus(describeError(event.error ?? event.message), 'error'));
window.addEventListener('unhandledrejection', (event) => setStatus(describeError(event.reason), 'error'));

// ---- state -------------------------------------------------------------------------------

let store: VecliteClient | undefined;
/** What is known of the collection: undefined when it does not exist. */
let collection: { count: number; dim: number; distance: string } | undefined;
let busy = false;

function setBusy(value: boolean): void {
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

// ---- actions -----------------------------------------------------------------------------

async function insert(): Promise<void> {
  const s = requireStore();
  const n = readPositiveInt(ui.n, 'N', 1_000_000);
  let dim = readPositiveInt(ui.dim, 'The dimension', 4096);
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
  for (let done = 0; done < n; ) {
    const size = Math.min(BATCH, n - done);
    const batch = generateBatch(first + done, size, dim, centres);
    await s.upsert(COLLECTION, { wait: true, batch });
    done += size;
    setProgress(done, n);
  }
  const seconds = (performance.now() - started) / 1000;
  await refreshCollection();
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
  ui.results.replaceChildren();
  ui.queryInfo.textContent = 'No search yet.';
  ui.latency.textContent = '—';
  ui.latency.dataset.value = '';
  setProgress(0, 0);
  setStatus(existed ? `Deleted the collection "${COLLECTION}".` : `There was no collection "${COLLECTION}" to delete.`, 'ok');
}

// ---- start -------------------------------------------------------------------------------

ui.form.addEventListener('submit', (event) => {
  event.preventDefault();
  void run(insert);
});
ui.search.addEventListener('click', () => void run(search));
ui.reset.addEventListener('click', () => void run(reset));
ui.reload.addEventListener('click', () => location.reload());

async function start(): Promise<void> {
  setBusy(true);
  try {
    const opened = performance.now();
    store = await openStore(STORE);
    const info = await store.describe();
    ui.kernels.textContent = info.kernels;
    ui.worker.textContent = String(info.worker);
    ui.storage.textContent = info.storage;
    await refreshCollection();
    const ms = performance.now() - opened;
    setStatus(
      collection
        ? `Store opened in ${ms.toFixed(0)} ms: ${format(collection.count)} points loaded from IndexedDB.`
        : `Store opened in ${ms.toFixed(0)} ms. Press Insert to add points.`,
      'ok',
    );
    setProgress(0, 0);
    document.body.dataset.ready = 'true';
  } catch (error) {
    setStatus(`Could not open the store — ${describeError(error)}`, 'error');
    document.body.dataset.ready = 'error';
  } finally {
    setBusy(false);
  }
}

void start();
