/**
 * The demo's error paths, against the built demo in Debian's Chromium, each in a fresh context
 * (its own IndexedDB): a data file the server fails to send is shown as the data set's error;
 * a first load that fails half-way leaves no half-filled collection behind (it would keep its
 * share of a quota that may be what ran out); a failed first load can be retried from the
 * panel; and a store whose database was deleted opens again
 * empty on the next visit instead of needing a second reload.
 */
import { expect, test } from '@playwright/test';

test('a data file the server fails to send is shown as the data set error; no collection is left', async ({ page }) => {
  await page.route('**/data/wordnet-use.bin', (route) => route.fulfill({ status: 500, body: 'broken' }));
  await page.goto('/#text');
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true');
  const dataset = page.getByTestId('text-dataset');
  await expect(dataset).toHaveAttribute('data-state', 'error', { timeout: 60_000 });
  await expect(dataset).toContainText('HTTP 500');
  await expect(page.getByTestId('store-collections')).not.toContainText('wordnet');
});

test('a failed first load is retried from the panel: the failed file is fetched again and the data set loads', async ({ page }) => {
  let failures = 1;
  await page.route('**/data/mnist.json', async (route) => {
    if (failures-- > 0) await route.fulfill({ status: 503, body: 'busy' });
    else await route.continue();
  });
  await page.goto('/#digits');
  const dataset = page.getByTestId('digits-dataset');
  await expect(dataset).toHaveAttribute('data-state', 'error', { timeout: 60_000 });
  await expect(dataset).toContainText('HTTP 503');
  await page.getByTestId('digits-retry').click();
  await expect(dataset).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
  await expect(dataset).toHaveAttribute('data-source', 'inserted');
  await expect(page.getByTestId('digits-retry')).toHaveCount(0);
  await expect(page.getByTestId('panel-digits')).toHaveAttribute('data-ready', 'true');
});

test('a first load whose insert fails half-way removes its half-filled collection', async ({ page }) => {
  // The MNIST payloads arrive, but cut short: the batches after the cut cannot be built, and the
  // insert fails after some were written.
  await page.route('**/data/mnist.json', async (route) => {
    const response = await route.fetch();
    const meta = (await response.json()) as { labels: number[] };
    meta.labels = meta.labels.slice(0, 2500);
    await route.fulfill({ response, json: meta });
  });
  await page.goto('/#digits');
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true');
  const dataset = page.getByTestId('digits-dataset');
  await expect(dataset).toHaveAttribute('data-state', 'error', { timeout: 60_000 });
  const collections = await page.evaluate(async () => {
    const open = indexedDB.open('veclite:veclite-demo');
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    const tx = db.transaction('collections', 'readonly');
    const request = tx.objectStore('collections').getAll();
    const records = await new Promise<{ name: string }[]>((resolve) => (request.onsuccess = () => resolve(request.result)));
    db.close();
    return records.map((record) => record.name);
  });
  expect(collections).not.toContain('mnist');
});

test('a store whose database was deleted is opened again empty on the next visit, not left broken', async ({ page }) => {
  await page.goto('/#synthetic');
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true');
  // Site data cleared by hand (devtools, a cleanup script) while the demo is open.
  await page.evaluate(
    () =>
      new Promise<void>((resolve, reject) => {
        const request = indexedDB.deleteDatabase('veclite:veclite-demo');
        request.onsuccess = () => resolve();
        request.onerror = () => reject(request.error);
      }),
  );
  await page.reload();
  // The store reports the loss once; the demo opens it again, empty, instead of asking for a second reload.
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true');
  await expect(page.getByTestId('status')).toHaveAttribute('data-kind', 'ok');
});
