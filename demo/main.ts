/**
 * The veclite demo: one store (IndexedDB database `veclite:veclite-demo`, engine in a worker)
 * shown four ways — semantic search over WordNet glosses with a model running in the page
 * (Text), image similarity on MNIST digits (Digits), the store itself (Store), and the
 * synthetic insert/search benchmark (Synthetic). Tabs follow the URL hash (#text, #digits,
 * #store, #synthetic); a tab's data set is loaded the first time the tab is shown.
 */
import { openStore, type VecliteClient } from '../src/index';
import { activateDigits } from './digits';
import { byTestId, describeError, format } from './dom';
import { attachStore, refreshStore, showStorePanel } from './store-view';
import { attachSynthetic, setBusy, setStatus } from './synthetic';
import { activateText } from './text-search';

const STORE = 'veclite-demo';
const TABS = ['text', 'digits', 'store', 'synthetic'] as const;
type Tab = (typeof TABS)[number];

const chips = {
  kernels: byTestId('info-kernels'),
  worker: byTestId('info-worker'),
  storage: byTestId('info-storage'),
  offline: byTestId('info-offline'),
};

// Anything that escapes a handler still ends up on the page, not only in the console.
window.addEventListener('error', (event) => setStatus(describeError(event.error ?? event.message), 'error'));
window.addEventListener('unhandledrejection', (event) => setStatus(describeError(event.reason), 'error'));

let store: VecliteClient | undefined;

function currentTab(): Tab {
  const hash = location.hash.replace(/^#/, '');
  return (TABS as readonly string[]).includes(hash) ? (hash as Tab) : 'text';
}

const changed = (): void => void refreshStore();

/** Shows one tab's panel and starts what it needs (once the store is open). */
function showTab(tab: Tab): void {
  for (const name of TABS) {
    const selected = name === tab;
    const button = byTestId(`tab-${name}`);
    button.setAttribute('aria-selected', String(selected));
    button.tabIndex = selected ? 0 : -1;
    byTestId(`panel-${name}`).hidden = !selected;
  }
  document.body.dataset.tab = tab;
  showStorePanel(tab === 'store');
  if (!store) return;
  if (tab === 'text') activateText(store, changed);
  if (tab === 'digits') activateDigits(store, changed);
}

for (const tab of TABS) {
  byTestId(`tab-${tab}`).addEventListener('click', () => {
    if (currentTab() !== tab || location.hash === '') history.replaceState(null, '', `#${tab}`);
    showTab(tab);
  });
}
byTestId('tabs').addEventListener('keydown', (event) => {
  if (event.key !== 'ArrowRight' && event.key !== 'ArrowLeft') return;
  const i = TABS.indexOf(currentTab());
  const next = TABS[(i + (event.key === 'ArrowRight' ? 1 : TABS.length - 1)) % TABS.length];
  history.replaceState(null, '', `#${next}`);
  showTab(next);
  byTestId(`tab-${next}`).focus();
});
window.addEventListener('hashchange', () => showTab(currentTab()));

/**
 * Opens the demo's store. Where IndexedDB cannot be opened (storage blocked, some private
 * modes), the demo still runs, in memory, and says so; nothing is kept after a reload then.
 */
async function openDemoStore(): Promise<{ store: VecliteClient; note: string }> {
  try {
    return { store: await openStore(STORE), note: '' };
  } catch (error) {
    const memory = await openStore(STORE, { persistence: 'memory' });
    return { store: memory, note: ` IndexedDB could not be opened (${describeError(error)}), so the demo runs in memory: nothing is kept after a reload.` };
  }
}

async function start(retried = false): Promise<void> {
  showTab(currentTab());
  setBusy(true);
  let note = '';
  try {
    const opened = performance.now();
    ({ store, note } = await openDemoStore());
    const info = await store.describe();
    chips.kernels.textContent = info.kernels;
    chips.worker.textContent = String(info.worker);
    chips.storage.textContent = info.storage;
    const synthetic = await attachSynthetic(store, changed);
    const ms = performance.now() - opened;
    setStatus(
      (synthetic !== undefined
        ? `Store opened in ${ms.toFixed(0)} ms: ${format(synthetic)} synthetic points loaded from IndexedDB.`
        : `Store opened in ${ms.toFixed(0)} ms.`) + note,
      note ? 'error' : 'ok',
    );
    attachStore(store);
    document.body.dataset.ready = 'true';
    showTab(currentTab());
  } catch (error) {
    const opened = store;
    store = undefined; // nothing may go on using a store that failed half-way
    await opened?.close().catch(() => {});
    // Its database was deleted while the demo was closed (the store reports that once): the
    // next open starts empty, so open again instead of asking for a second reload.
    if (!retried && describeError(error).includes("the store's data is gone")) return start(true);
    setStatus(`Could not open the store — ${describeError(error)}`, 'error');
    document.body.dataset.ready = 'error';
  } finally {
    setBusy(false);
  }
}

/**
 * Registers the demo's Service Worker (built demo only; see offline-sw.js), which keeps every
 * file of the demo so that it works without its server once it has been opened.
 */
async function enableOffline(): Promise<void> {
  if (!import.meta.env.PROD || !('serviceWorker' in navigator)) {
    chips.offline.textContent = 'no';
    return;
  }
  chips.offline.textContent = 'caching…';
  try {
    await navigator.serviceWorker.register(`${import.meta.env.BASE_URL}sw.js`);
    await navigator.serviceWorker.ready; // installed: every file is in its cache
    chips.offline.textContent = 'ready';
    document.body.dataset.offline = 'ready';
  } catch (error) {
    chips.offline.textContent = 'no';
    chips.offline.title = describeError(error);
  }
}

void start();
void enableOffline();
