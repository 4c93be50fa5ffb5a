/**
 * The built demo works without its server once it has been opened: its Service Worker
 * (demo/offline-sw.js) keeps every file of the build, and the data sets are in IndexedDB. With
 * the browser context offline, a reload brings the page back, the digits come from IndexedDB
 * and are searched, and the text model loads from the cache and embeds a query.
 */
import { expect, test } from '@playwright/test';

test('after one visit the demo reloads and searches offline: files from its cache, data from IndexedDB', async ({ page, context }) => {
  await page.goto('/#text');
  await expect(page.getByTestId('info-offline')).toHaveText('ready', { timeout: 60_000 });
  await expect(page.locator('body')).toHaveAttribute('data-offline', 'ready');
  await expect(page.getByTestId('text-dataset')).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
  await page.getByTestId('tab-digits').click();
  await expect(page.getByTestId('digits-dataset')).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
  // Every file the Service Worker was built with is in its cache.
  const missing = await page.evaluate(async () => {
    const source = await (await fetch('/sw.js')).text();
    const files = (JSON.parse(/const PRECACHE = (\{.*?\});/.exec(source)![1]) as { files: string[] }).files;
    const absent: string[] = [];
    for (const file of files) if (!(await caches.match(new URL(file, location.origin).href))) absent.push(file);
    return { count: files.length, absent };
  });
  expect(missing.absent).toEqual([]);
  expect(missing.count).toBeGreaterThan(20);

  await context.setOffline(true);
  await page.reload();
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true');
  const digits = page.getByTestId('digits-dataset');
  await expect(digits).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
  await expect(digits).toHaveAttribute('data-source', 'indexeddb');
  await page.getByTestId('digit-random').click();
  await expect(page.getByTestId('digit-results')).toHaveAttribute('data-state', 'done');
  await expect(page.getByTestId('digit-result')).toHaveCount(10);

  await page.getByTestId('tab-text').click();
  await expect(page.getByTestId('text-dataset')).toHaveAttribute('data-source', 'indexeddb', { timeout: 60_000 });
  await expect(page.getByTestId('model-status')).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
  await page.getByTestId('text-query').fill('device for measuring temperature');
  await page.getByTestId('text-query').press('Enter');
  await expect(page.getByTestId('text-results')).toHaveAttribute('data-state', 'done');
  await expect(page.getByTestId('text-result')).toHaveCount(10);
  await context.setOffline(false);
});
