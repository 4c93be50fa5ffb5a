/**
 * The "Digits" panel: image similarity on MNIST. One collection, one named vector per metric
 * (`euclid`, `cosine`, `dot`, `manhattan` — the same 784 pixels), queried with `using`. The query
 * is a digit drawn on the pad (reduced the way MNIST was made: fitted into 20×20, centred by its
 * centre of mass in 28×28) or one of the held-out test digits, which are never stored.
 */
import type { ScoredPoint, VecliteClient } from '../src/index';
import { ensureMnist, loadMnistMeta, loadMnistTestImages, METRICS, MNIST, type LoadReport, type MetricName } from './datasets';
import { byTestId, describeError, drawDigit, el, format, formatMs, offerRetry } from './dom';
import { recordLatency } from './latency';

const panel = byTestId('panel-digits');
const ui = {
  dataset: byTestId('digits-dataset', panel),
  datasetText: byTestId('digits-dataset-text', panel),
  progress: byTestId<HTMLProgressElement>('digits-progress', panel),
  pad: byTestId<HTMLCanvasElement>('digit-pad', panel),
  clear: byTestId<HTMLButtonElement>('digit-clear', panel),
  random: byTestId<HTMLButtonElement>('digit-random', panel),
  testIndex: byTestId<HTMLInputElement>('digit-test-index', panel),
  pick: byTestId<HTMLButtonElement>('digit-pick', panel),
  preview: byTestId<HTMLCanvasElement>('digit-preview', panel),
  queryInfo: byTestId('digit-query-info', panel),
  metric: byTestId<HTMLSelectElement>('digit-metric', panel),
  label: byTestId<HTMLSelectElement>('digit-label-filter', panel),
  summary: byTestId('digit-summary', panel),
  results: byTestId('digit-results', panel),
};

/** The current query: 784 pixels in 0…1 and where it came from. */
let query: { pixels: Float32Array; source: 'drawing' | 'test'; index?: number; label?: number } | undefined;
let store: VecliteClient | undefined;
let ready = false;
let sequence = 0;
let changed: () => void = () => {};

// ---- the drawing pad -------------------------------------------------------------------------

const PAD = 280;
const padContext = ui.pad.getContext('2d', { willReadFrequently: true })!;
let drawing = false;
let last: { x: number; y: number } | undefined;
let inked = false;

function clearPad(): void {
  padContext.fillStyle = '#000';
  padContext.fillRect(0, 0, PAD, PAD);
  inked = false;
}

function padPoint(event: PointerEvent): { x: number; y: number } {
  const rect = ui.pad.getBoundingClientRect();
  return { x: ((event.clientX - rect.left) / rect.width) * PAD, y: ((event.clientY - rect.top) / rect.height) * PAD };
}

function stroke(from: { x: number; y: number }, to: { x: number; y: number }): void {
  padContext.strokeStyle = '#fff';
  padContext.lineWidth = 22;
  padContext.lineCap = 'round';
  padContext.lineJoin = 'round';
  padContext.beginPath();
  padContext.moveTo(from.x, from.y);
  padContext.lineTo(to.x + 0.01, to.y);
  padContext.stroke();
  inked = true;
}

ui.pad.addEventListener('pointerdown', (event) => {
  event.preventDefault();
  if (query?.source === 'test') clearPad(); // start a fresh drawing over a shown test digit
  ui.pad.setPointerCapture(event.pointerId);
  drawing = true;
  last = padPoint(event);
  stroke(last, last);
});
ui.pad.addEventListener('pointermove', (event) => {
  if (!drawing || !last) return;
  const point = padPoint(event);
  stroke(last, point);
  last = point;
});
const endStroke = (): void => {
  if (!drawing) return;
  drawing = false;
  last = undefined;
  if (inked) {
    query = { pixels: mnistLike(padContext.getImageData(0, 0, PAD, PAD)), source: 'drawing' };
    showQuery();
    void search();
  }
};
ui.pad.addEventListener('pointerup', endStroke);
ui.pad.addEventListener('pointercancel', endStroke);

/**
 * Reduces a drawing to MNIST's format: the ink's bounding box scaled (box filter, aspect kept)
 * to fit 20×20, then placed in 28×28 so that its centre of mass is at the centre.
 */
export function mnistLike(image: ImageData): Float32Array {
  const { width, height, data } = image;
  let x0 = width;
  let y0 = height;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (data[(y * width + x) * 4] > 16) {
        x0 = Math.min(x0, x);
        y0 = Math.min(y0, y);
        x1 = Math.max(x1, x);
        y1 = Math.max(y1, y);
      }
    }
  }
  const out = new Float32Array(784);
  if (x1 < 0) return out;
  const bw = x1 - x0 + 1;
  const bh = y1 - y0 + 1;
  const scale = 20 / Math.max(bw, bh);
  const tw = Math.max(1, Math.round(bw * scale));
  const th = Math.max(1, Math.round(bh * scale));
  // Box filter: each small pixel is the mean of the big pixels whose centres fall inside it.
  const small = new Float32Array(tw * th);
  const sums = new Float32Array(tw * th);
  const counts = new Uint32Array(tw * th);
  for (let y = y0; y <= y1; y++) {
    const ty = Math.min(th - 1, Math.floor(((y - y0 + 0.5) / bh) * th));
    for (let x = x0; x <= x1; x++) {
      const tx = Math.min(tw - 1, Math.floor(((x - x0 + 0.5) / bw) * tw));
      sums[ty * tw + tx] += data[(y * width + x) * 4] / 255;
      counts[ty * tw + tx]++;
    }
  }
  let mass = 0;
  let mx = 0;
  let my = 0;
  for (let ty = 0; ty < th; ty++) {
    for (let tx = 0; tx < tw; tx++) {
      const v = counts[ty * tw + tx] ? sums[ty * tw + tx] / counts[ty * tw + tx] : 0;
      small[ty * tw + tx] = v;
      mass += v;
      mx += v * (tx + 0.5);
      my += v * (ty + 0.5);
    }
  }
  const cx = mass > 0 ? mx / mass : tw / 2;
  const cy = mass > 0 ? my / mass : th / 2;
  const ox = Math.round(14 - cx);
  const oy = Math.round(14 - cy);
  for (let ty = 0; ty < th; ty++) {
    for (let tx = 0; tx < tw; tx++) {
      const x = tx + ox;
      const y = ty + oy;
      if (x >= 0 && x < 28 && y >= 0 && y < 28) out[y * 28 + x] = Math.min(1, small[ty * tw + tx]);
    }
  }
  return out;
}

// ---- queries ---------------------------------------------------------------------------------

function metric(): (typeof METRICS)[number] {
  return METRICS.find((m) => m.name === (ui.metric.value as MetricName)) ?? METRICS[0];
}

function showQuery(): void {
  if (!query) return;
  drawDigit(ui.preview, query.pixels);
  ui.preview.dataset.source = query.source;
  ui.queryInfo.textContent =
    query.source === 'test'
      ? `Test digit #${query.index} (label ${query.label}) — held out, not in the collection.`
      : 'Your drawing, reduced to 28×28 like MNIST.';
  ui.queryInfo.dataset.label = query.label === undefined ? '' : String(query.label);
}

async function pickTestDigit(index: number): Promise<void> {
  const [images, meta] = await Promise.all([loadMnistTestImages(), loadMnistMeta()]);
  const i = Math.max(0, Math.min(meta.test - 1, Math.floor(index)));
  ui.testIndex.value = String(i);
  const pixels = Float32Array.from(images.subarray(i * 784, (i + 1) * 784), (v) => v / 255);
  query = { pixels, source: 'test', index: i, label: meta.testLabels[i] };
  // Show it on the pad too, scaled up (nearest neighbour), as if drawn.
  const small = document.createElement('canvas');
  drawDigit(small, pixels);
  padContext.imageSmoothingEnabled = false;
  padContext.drawImage(small, 0, 0, PAD, PAD);
  inked = true;
  showQuery();
  await search();
}

async function search(): Promise<void> {
  if (!store || !ready || !query) return;
  const mine = ++sequence;
  const m = metric();
  const label = ui.label.value;
  const filter = label === '' ? undefined : { must: [{ key: 'label', match: { value: Number(label) } }] };
  ui.results.dataset.state = 'searching';
  try {
    const started = performance.now();
    const { points } = await store.query(MNIST, {
      query: query.pixels,
      using: m.name,
      limit: 10,
      filter,
      with_payload: true,
      with_vector: [m.name],
    });
    const ms = performance.now() - started;
    recordLatency(ms, MNIST);
    if (mine !== sequence) return;
    render(points, m.name);
    const queryLabel = query.label;
    const labels = points.map((p) => Number((p.payload as { label?: number } | undefined)?.label));
    const counts = new Map<number, number>();
    for (const l of labels) counts.set(l, (counts.get(l) ?? 0) + 1);
    const [top, topCount] = [...counts].sort((a, b) => b[1] - a[1])[0] ?? [NaN, 0];
    const same = queryLabel === undefined ? topCount : labels.filter((l) => l === queryLabel).length;
    ui.summary.dataset.same = String(same);
    ui.summary.dataset.majority = String(top);
    ui.summary.textContent =
      queryLabel === undefined
        ? `Most neighbours say ${top} (${topCount} of ${points.length}) · ${m.label} · ${formatMs(ms)}`
        : `${same} of ${points.length} neighbours are labelled ${queryLabel} · ${m.label} · ${formatMs(ms)}`;
    ui.results.dataset.metric = m.name;
    ui.results.dataset.label = label;
    ui.results.dataset.query = query.source === 'test' ? `test:${query.index}` : 'drawing';
    ui.results.dataset.searches = String(Number(ui.results.dataset.searches ?? 0) + 1);
    ui.results.dataset.state = 'done';
  } catch (error) {
    if (mine !== sequence) return;
    ui.results.dataset.state = 'error';
    ui.summary.textContent = describeError(error);
    // The last query's neighbours must not stay on screen as if they answered this one.
    ui.results.replaceChildren(el('p', { className: 'error', text: describeError(error) }));
  }
}

function render(points: ScoredPoint[], using: MetricName): void {
  const lower = METRICS.find((m) => m.name === using)?.lowerIsCloser;
  const cards = points.map((point) => {
    const label = Number((point.payload as { label?: number } | undefined)?.label);
    const canvas = el('canvas', { className: 'digit' });
    const vector = point.vector as Record<string, number[]> | undefined;
    if (vector?.[using]) drawDigit(canvas, vector[using]);
    return el(
      'figure',
      { className: 'neighbour', data: { testid: 'digit-result', id: String(point.id), label: String(label), score: String(point.score) } },
      canvas,
      el(
        'figcaption',
        {},
        el('strong', { text: String(label), title: 'label' }),
        el('span', { className: 'score', text: point.score.toFixed(using === 'cosine' ? 3 : 2), title: lower ? 'distance (lower is closer)' : 'similarity (higher is closer)' }),
      ),
    );
  });
  if (cards.length === 0) cards.push(el('p', { className: 'muted', text: 'No digit with this label.' }));
  ui.results.replaceChildren(...cards);
}

function showReport(report: LoadReport): void {
  ui.dataset.dataset.source = report.source;
  ui.dataset.dataset.count = String(report.count);
  ui.dataset.dataset.inserted = String(report.inserted);
  ui.progress.dataset.batches = String(report.batches);
  ui.dataset.dataset.state = 'ready';
  if (report.source === 'indexeddb') {
    ui.progress.hidden = true;
    ui.datasetText.textContent = `MNIST: loaded from IndexedDB, ${format(report.count)} points — the data set was not fetched or inserted again.`;
  } else {
    ui.datasetText.textContent = `MNIST: inserted ${format(report.inserted)} digits × 4 named vectors in ${formatMs(report.insertMs)} (${report.batches} batches; fetched in ${formatMs(report.fetchMs)}).`;
  }
}

async function loadDigits(s: VecliteClient): Promise<void> {
  try {
    const report = await ensureMnist(s, {
      phase(phase) {
        ui.dataset.dataset.state = phase;
        if (phase === 'waiting') ui.datasetText.textContent = 'MNIST: another tab is loading the digits — waiting for it…';
        if (phase === 'checking') ui.datasetText.textContent = 'MNIST: looking in IndexedDB…';
        if (phase === 'fetching') ui.datasetText.textContent = 'MNIST: first visit — fetching the digits…';
        if (phase === 'inserting') ui.progress.hidden = false;
      },
      inserted(done, total) {
        ui.progress.max = Math.max(total, 1);
        ui.progress.value = done;
        ui.progress.dataset.value = String(done);
        ui.progress.dataset.batches = String(Math.ceil(done / 1000));
        ui.datasetText.textContent = `MNIST: inserting into veclite… ${format(done)} / ${format(total)}`;
      },
    });
    showReport(report);
    ready = true;
    panel.dataset.ready = 'true';
    for (const control of [ui.random, ui.pick]) control.disabled = false;
    changed();
    if (query) void search();
  } catch (error) {
    ui.dataset.dataset.state = 'error';
    ui.datasetText.textContent = `MNIST: ${describeError(error)}`;
    offerRetry(ui.dataset, 'digits-retry', () => void loadDigits(s));
  }
}

ui.clear.addEventListener('click', () => {
  clearPad();
  query = undefined;
  ui.preview.getContext('2d')?.clearRect(0, 0, ui.preview.width, ui.preview.height);
  ui.queryInfo.textContent = 'Draw a digit, or pick a test digit.';
  ui.results.replaceChildren();
  ui.summary.textContent = '';
});
ui.random.addEventListener('click', () => void pickTestDigit(Math.floor(Math.random() * 200)));
ui.pick.addEventListener('click', () => void pickTestDigit(Number(ui.testIndex.value)));
ui.testIndex.addEventListener('keydown', (event) => {
  if (event.key === 'Enter') void pickTestDigit(Number(ui.testIndex.value));
});
ui.metric.addEventListener('change', () => void search());
ui.label.addEventListener('change', () => void search());

let started = false;

/** First showing of the panel: loads the digits (IndexedDB or first insert). */
export function activateDigits(opened: VecliteClient, onChange: () => void): void {
  if (started) return;
  started = true;
  store = opened;
  changed = onChange;
  clearPad();
  void loadDigits(opened);
}
