/**
 * The store on display: collections with their counts, configuration, payload indexes and index
 * (all from `getCollection`), the storage the origin uses (`storageInfo()`), the latency of the
 * last queries, and a browser of points and
 * payloads through `scroll` and its `next_page_offset`.
 */
import type { CollectionInfo, PointId, Record_, VecliteClient } from '../src/index';
import { METRICS, MNIST } from './datasets';
import { byTestId, describeError, drawDigit, el, format, formatBytes } from './dom';
import { COLLECTION_COLOURS, drawSparkline, latencySummary, onLatency } from './latency';

const aside = byTestId('store-aside');
const panel = byTestId('panel-store');
const ui = {
  asideCollections: byTestId('aside-collections', aside),
  asideStorage: byTestId('aside-storage', aside),
  sparkline: byTestId<HTMLCanvasElement>('latency-sparkline', aside),
  latencySummary: byTestId('latency-summary', aside),
  reloadPage: byTestId<HTMLButtonElement>('reload-page', aside),
  collections: byTestId('store-collections', panel),
  storage: byTestId('store-storage', panel),
  sparkline2: byTestId<HTMLCanvasElement>('store-sparkline', panel),
  latency2: byTestId('store-latency', panel),
  browseCollection: byTestId<HTMLSelectElement>('browse-collection', panel),
  browseFirst: byTestId<HTMLButtonElement>('browse-first', panel),
  browseNext: byTestId<HTMLButtonElement>('browse-next', panel),
  browseInfo: byTestId('browse-info', panel),
  browseRows: byTestId('browse-rows', panel),
  browseTable: byTestId<HTMLTableElement>('browse-table', panel),
};

let store: VecliteClient | undefined;
let storeVisible = false;
const PAGE = 10;
let page: { collection: string; offset: PointId | undefined; next: PointId | null; number: number } | undefined;

function drawLatency(): void {
  drawSparkline(ui.sparkline);
  ui.latencySummary.textContent = latencySummary();
  if (storeVisible) {
    drawSparkline(ui.sparkline2);
    ui.latency2.textContent = latencySummary();
  }
}
onLatency(drawLatency);
window.addEventListener('resize', drawLatency);

ui.reloadPage.addEventListener('click', () => location.reload());

/** One line about a collection's vectors: "512 · Cosine" or "euclid 784 · Euclid, cosine 784 · Cosine, …". */
function vectorsSummary(info: CollectionInfo): string {
  const vectors = info.config.params.vectors as Record<string, unknown>;
  if (typeof vectors?.size === 'number') return `${vectors.size} · ${String(vectors.distance)}`;
  return Object.entries(vectors ?? {})
    .map(([name, p]) => `${name} ${(p as { size: number }).size} · ${(p as { distance: string }).distance}`)
    .join(', ');
}

function indexSummary(info: CollectionInfo): string {
  const ivf = info.config.ivf_config as { full_scan_threshold: number; nlist: number | null; nprobe: number | null } | undefined;
  const kind =
    info.indexed_vectors_count > 0
      ? `IVF: ${format(info.indexed_vectors_count)} vectors in inverted lists`
      : 'flat: exact SIMD scan of every vector';
  const settings = ivf
    ? ` · ivf_config: IVF from ${format(ivf.full_scan_threshold)} points, nlist ${ivf.nlist ?? 'auto (≈√N)'}, nprobe ${ivf.nprobe ?? 'auto (max(8, nlist/32))'}`
    : '';
  const quantization = info.config.quantization_config ? ` · quantization ${JSON.stringify(info.config.quantization_config)}` : '';
  return `${kind}${settings}${quantization}`;
}

function payloadSummary(info: CollectionInfo): string {
  const entries = Object.entries(info.payload_schema ?? {});
  if (entries.length === 0) return 'none';
  return entries
    .map(([field, schema]) => {
      const s = schema as { data_type?: string; points?: number };
      return `${field}: ${s.data_type ?? '?'}${s.points !== undefined ? ` (${format(s.points)} points)` : ''}`;
    })
    .join(', ');
}

async function collectionInfos(s: VecliteClient): Promise<[string, CollectionInfo][]> {
  const { collections } = await s.getCollections();
  const names = collections.map((c) => c.name).sort();
  return Promise.all(names.map(async (name) => [name, await s.getCollection(name)] as [string, CollectionInfo]));
}

async function refreshStorage(): Promise<void> {
  let text = 'storage use is not reported here.';
  const info = await store?.storageInfo();
  if (info && info.usage !== null) {
    const usage = info.usage;
    const quota = info.quota ?? 0;
    text = `${formatBytes(usage)} used of ${formatBytes(quota)} (${quota ? ((usage / quota) * 100).toFixed(2) : '0'}%) · ${info.backend}${info.persisted ? ', persistent' : ''}`;
    ui.asideStorage.dataset.usage = String(usage);
    ui.storage.dataset.usage = String(usage);
  }
  ui.asideStorage.textContent = text;
  ui.storage.textContent = text;
}

/** Re-reads collections and storage, and redraws the aside and (if shown) the store panel. */
export async function refreshStore(): Promise<void> {
  const s = store;
  if (!s) return;
  try {
    const infos = await collectionInfos(s);
    ui.asideCollections.replaceChildren(
      ...(infos.length
        ? infos.map(([name, info]) =>
            el(
              'li',
              { data: { testid: 'aside-collection', name, count: String(info.points_count) } },
              el('span', { className: 'swatch', title: name }),
              el('code', { text: name }),
              el('span', { className: 'count', text: format(info.points_count) }),
            ),
          )
        : [el('li', { className: 'muted', text: 'No collections yet.' })]),
    );
    for (const li of ui.asideCollections.querySelectorAll<HTMLElement>('li[data-name]')) {
      (li.querySelector('.swatch') as HTMLElement).style.background = COLLECTION_COLOURS[li.dataset.name ?? ''] ?? '#5f6b7c';
    }
    if (storeVisible) renderCollections(infos);
    await refreshStorage();
  } catch (error) {
    ui.asideStorage.textContent = describeError(error);
  }
}

function renderCollections(infos: [string, CollectionInfo][]): void {
  const rows = infos.map(([name, info]) => {
    const tr = el('tr', { data: { testid: 'store-collection', name, count: String(info.points_count) } });
    const cells: [string, string][] = [
      ['name', name],
      ['points', format(info.points_count)],
      ['vectors', vectorsSummary(info)],
      ['payload indexes', payloadSummary(info)],
      ['index', indexSummary(info)],
    ];
    for (const [label, text] of cells) tr.append(el('td', { text, data: { label } }));
    const details = el('details', {}, el('summary', { text: 'getCollection' }), el('pre', { text: JSON.stringify(info, null, 2) }));
    tr.append(el('td', { data: { label: 'raw' } }, details));
    return tr;
  });
  if (rows.length === 0) rows.push(el('tr', {}, el('td', { className: 'muted', text: 'No collections yet: open the Text or Digits tab, or insert synthetic points.' })));
  ui.collections.replaceChildren(...rows);
  // Keep the browse choices in step with the collections.
  const current = ui.browseCollection.value;
  ui.browseCollection.replaceChildren(...infos.map(([name, info]) => el('option', { text: `${name} (${format(info.points_count)})` })));
  infos.forEach(([name], i) => (ui.browseCollection.options[i].value = name));
  if (infos.some(([name]) => name === current)) ui.browseCollection.value = current;
  ui.browseFirst.disabled = infos.length === 0;
  if (!page && infos.length) void browse(ui.browseCollection.value, undefined, 1);
}

// ---- browse ----------------------------------------------------------------------------------

async function browse(collection: string, offset: PointId | undefined, number: number): Promise<void> {
  const s = store;
  if (!s || !collection) return;
  try {
    const withVector = collection === MNIST ? [METRICS[0].name] : false;
    const result = await s.scroll(collection, { limit: PAGE, offset, with_payload: true, with_vector: withVector });
    page = { collection, offset, next: result.next_page_offset, number };
    renderPage(result.points, collection);
    ui.browseInfo.textContent = `${collection} · page ${number} · offset ${offset ?? '(start)'} · next_page_offset ${result.next_page_offset ?? 'null (last page)'}`;
    ui.browseTable.dataset.collection = collection;
    ui.browseTable.dataset.page = String(number);
    ui.browseTable.dataset.next = String(result.next_page_offset);
    ui.browseNext.disabled = result.next_page_offset === null;
  } catch (error) {
    ui.browseInfo.textContent = describeError(error);
  }
}

function renderPage(points: Record_[], collection: string): void {
  const rows = points.map((point) => {
    const payload = el('td', { className: 'payload', text: JSON.stringify(point.payload ?? {}) });
    const vector = point.vector as Record<string, number[]> | undefined;
    if (collection === MNIST && vector?.[METRICS[0].name]) {
      const canvas = el('canvas', { className: 'digit small' });
      drawDigit(canvas, vector[METRICS[0].name]);
      payload.prepend(canvas);
    }
    return el('tr', { data: { testid: 'browse-row', id: String(point.id) } }, el('td', { text: String(point.id) }), payload);
  });
  ui.browseRows.replaceChildren(...rows);
}

ui.browseCollection.addEventListener('change', () => void browse(ui.browseCollection.value, undefined, 1));
ui.browseFirst.addEventListener('click', () => void browse(ui.browseCollection.value, undefined, 1));
ui.browseNext.addEventListener('click', () => {
  if (page && page.next !== null) void browse(page.collection, page.next, page.number + 1);
});

/** Connects the views to the open store. */
export function attachStore(opened: VecliteClient): void {
  store = opened;
  drawLatency();
  void refreshStore();
}

/** The Store tab is shown (or hidden): its tables are only kept up to date while visible. */
export function showStorePanel(visible: boolean): void {
  storeVisible = visible;
  if (visible) {
    page = undefined;
    drawLatency();
    void refreshStore();
  }
}
