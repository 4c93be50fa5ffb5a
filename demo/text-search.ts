/**
 * The "Text" panel: semantic search over WordNet glosses. The corpus' vectors were computed
 * ahead of time (scripts/build-demo-data.mjs); the query typed here is embedded live, in a
 * worker, by the same model (USE-lite), then searched in veclite with an optional payload filter
 * on the part of speech (a keyword payload index).
 */
import * as Comlink from 'comlink';
import type { ScoredPoint, VecliteClient } from '../src/index';
import { ensureWordnet, WORDNET, type LoadReport } from './datasets';
import { byTestId, describeError, el, format, formatBytes, formatMs, offerRetry } from './dom';
import type { EmbedApi } from './embed-worker';
import { recordLatency } from './latency';

const panel = byTestId('panel-text');
const ui = {
  dataset: byTestId('text-dataset', panel),
  datasetText: byTestId('text-dataset-text', panel),
  progress: byTestId<HTMLProgressElement>('text-progress', panel),
  model: byTestId('model-status', panel),
  form: byTestId<HTMLFormElement>('text-form', panel),
  query: byTestId<HTMLInputElement>('text-query', panel),
  pos: byTestId<HTMLSelectElement>('text-pos', panel),
  submit: byTestId<HTMLButtonElement>('text-search', panel),
  examples: byTestId('text-examples', panel),
  info: byTestId('text-info', panel),
  results: byTestId<HTMLOListElement>('text-results', panel),
};

let store: VecliteClient | undefined;
let embedder: Comlink.Remote<EmbedApi> | undefined;
let modelReady = false;
let dataReady = false;
let sequence = 0;
let debounce: ReturnType<typeof setTimeout> | undefined;
let changed: () => void = () => {};

function canSearch(): boolean {
  return modelReady && dataReady;
}

function updateEnabled(): void {
  ui.submit.disabled = !canSearch();
  panel.dataset.ready = String(canSearch());
}

function setDataset(state: string, text: string): void {
  ui.dataset.dataset.state = state;
  ui.datasetText.textContent = text;
}

/** Shows where the corpus came from: inserted now, or loaded from IndexedDB. */
function showReport(report: LoadReport): void {
  ui.dataset.dataset.source = report.source;
  ui.dataset.dataset.count = String(report.count);
  ui.dataset.dataset.inserted = String(report.inserted);
  ui.progress.dataset.batches = String(report.batches);
  if (report.source === 'indexeddb') {
    ui.progress.hidden = true;
    setDataset('ready', `WordNet: loaded from IndexedDB, ${format(report.count)} points — the data set was not fetched or embedded again.`);
  } else {
    setDataset(
      'ready',
      `WordNet: inserted ${format(report.inserted)} points in ${formatMs(report.insertMs)} (${report.batches} batches; files fetched in ${formatMs(report.fetchMs)}). Reload: they come from IndexedDB.`,
    );
  }
}

async function loadCorpus(s: VecliteClient): Promise<void> {
  try {
    const report = await ensureWordnet(s, {
      phase(phase) {
        if (phase === 'waiting') setDataset('waiting', 'WordNet: another tab is loading the corpus — waiting for it…');
        if (phase === 'checking') setDataset('checking', 'WordNet: looking in IndexedDB…');
        if (phase === 'fetching') setDataset('fetching', 'WordNet: first visit — fetching the precomputed vectors…');
        if (phase === 'inserting') {
          ui.progress.hidden = false;
          setDataset('inserting', 'WordNet: inserting into veclite…');
        }
      },
      inserted(done, total) {
        ui.progress.max = Math.max(total, 1);
        ui.progress.value = done;
        ui.progress.dataset.value = String(done);
        ui.progress.dataset.batches = String(Math.ceil(done / 1000));
        if (total > 0) ui.datasetText.textContent = `WordNet: inserting into veclite… ${format(done)} / ${format(total)}`;
      },
    });
    showReport(report);
    dataReady = true;
    updateEnabled();
    changed();
    if (ui.query.value.trim()) void search();
  } catch (error) {
    setDataset('error', `WordNet: ${describeError(error)}`);
    offerRetry(ui.dataset, 'text-retry', () => void loadCorpus(s));
  }
}

async function loadModel(): Promise<void> {
  const worker = new Worker(new URL('./embed-worker.ts', import.meta.url), { type: 'module', name: 'embeddings' });
  embedder = Comlink.wrap<EmbedApi>(worker);
  // A worker whose script fails to load would leave the Comlink call pending forever: say so.
  worker.addEventListener('error', (event) => {
    event.preventDefault();
    if (modelReady) return;
    ui.model.dataset.state = 'error';
    ui.model.textContent = `Model: the embedding worker failed to start${event.message ? ` (${event.message})` : ''}.`;
  });
  ui.model.dataset.state = 'loading';
  ui.model.textContent = 'Model: loading the Universal Sentence Encoder-lite in a worker…';
  try {
    const info = await embedder.load(
      Comlink.proxy((loaded: number, total: number) => {
        ui.model.textContent = `Model: loading the Universal Sentence Encoder-lite in a worker… weights ${loaded} / ${total}`;
      }),
    );
    modelReady = true;
    ui.model.dataset.state = 'ready';
    ui.model.textContent = `Model: USE-lite, ${info.dim}-d, ${formatBytes(info.weightBytes)} of weights, TensorFlow.js ${info.backend}${info.simd ? ' + SIMD' : ''} in a worker — ready in ${formatMs(info.loadMs)}.`;
    updateEnabled();
    if (ui.query.value.trim()) void search();
  } catch (error) {
    ui.model.dataset.state = 'error';
    ui.model.textContent = `Model: ${describeError(error)}`;
  }
}

function posFilter(): Record<string, unknown> | undefined {
  const pos = ui.pos.value;
  return pos ? { must: [{ key: 'pos', match: { value: pos } }] } : undefined;
}

async function search(): Promise<void> {
  const text = ui.query.value.trim();
  if (!store || !embedder || !canSearch() || !text) return;
  const mine = ++sequence;
  const pos = ui.pos.value;
  ui.results.dataset.state = 'searching';
  try {
    const embedded = await embedder.embed(text);
    if (mine !== sequence) return; // a newer query is on its way
    const started = performance.now();
    const { points } = await store.query(WORDNET, { query: embedded.vector, limit: 10, with_payload: true, filter: posFilter() });
    const searchMs = performance.now() - started;
    recordLatency(searchMs, WORDNET);
    if (mine !== sequence) return;
    render(points);
    ui.info.textContent = `“${text}”${pos ? ` · only ${pos}s` : ''}: embedded in ${formatMs(embedded.ms)} (worker), searched in ${formatMs(searchMs)}.`;
    ui.info.dataset.embedMs = embedded.ms.toFixed(3);
    ui.info.dataset.searchMs = searchMs.toFixed(3);
    ui.results.dataset.query = text;
    ui.results.dataset.pos = pos;
    ui.results.dataset.searches = String(Number(ui.results.dataset.searches ?? 0) + 1);
    ui.results.dataset.state = 'done';
  } catch (error) {
    if (mine !== sequence) return;
    ui.results.dataset.state = 'error';
    ui.info.textContent = describeError(error);
    // The last query's hits must not stay on screen as if they answered this one.
    ui.results.replaceChildren(el('li', { className: 'error', text: describeError(error) }));
  }
}

function render(points: ScoredPoint[]): void {
  const items = points.map((point, i) => {
    const payload = (point.payload ?? {}) as { lemma?: string; gloss?: string; pos?: string; synonyms?: string[] };
    const head = el(
      'div',
      { className: 'hit-head' },
      el('span', { className: 'rank', text: String(i + 1) }),
      el('strong', { className: 'lemma', text: payload.lemma ?? String(point.id), data: { testid: 'text-result-lemma' } }),
      el('span', { className: `pos pos-${payload.pos}`, text: payload.pos ?? '' }),
      el('span', { className: 'score', text: point.score.toFixed(3), title: 'cosine similarity', data: { testid: 'text-result-score' } }),
    );
    const body = el('p', { className: 'gloss', text: payload.gloss ?? '' });
    const li = el('li', { className: 'hit', data: { testid: 'text-result', id: String(point.id), pos: payload.pos ?? '', lemma: payload.lemma ?? '', score: String(point.score) } }, head, body);
    if (payload.synonyms?.length) li.append(el('p', { className: 'synonyms muted small', text: `also: ${payload.synonyms.join(', ')}` }));
    return li;
  });
  if (items.length === 0) items.push(el('li', { className: 'muted', text: 'No results.' }));
  ui.results.replaceChildren(...items);
}

function scheduleSearch(delay: number): void {
  clearTimeout(debounce);
  debounce = setTimeout(() => void search(), delay);
}

ui.form.addEventListener('submit', (event) => {
  event.preventDefault();
  scheduleSearch(0);
});
ui.query.addEventListener('input', () => scheduleSearch(250));
ui.pos.addEventListener('change', () => scheduleSearch(0));
ui.examples.addEventListener('click', (event) => {
  const button = (event.target as HTMLElement).closest('button');
  if (!button) return;
  ui.query.value = button.textContent ?? '';
  scheduleSearch(0);
});

let started = false;

/** First showing of the panel: loads the corpus (IndexedDB or first insert) and the model, in parallel. */
export function activateText(opened: VecliteClient, onChange: () => void): void {
  if (started) return;
  started = true;
  store = opened;
  changed = onChange;
  updateEnabled();
  void loadCorpus(opened);
  void loadModel();
}
