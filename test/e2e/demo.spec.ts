/**
 * End-to-end tests of the built demo's Synthetic tab (dist-demo/, served by `vite preview`) in
 * Debian's Chromium: insert and search through the real page, persistence across a reload and
 * across a browser restart on the same profile, and the layout at a phone width. Every test fails
 * on any console error or uncaught page error, including those of the engine's worker.
 * (The real-data tabs — Text, Digits, Store — are tested in real-data.spec.ts.)
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, expect, test, type Page } from '@playwright/test';
import { chromiumArgs, chromiumPath } from '../../scripts/chromium.mjs';

/** Small enough to stay quick, large enough for several batches of 1,000. */
const N = 3000;
const DIM = 64;

/** Collects console errors and uncaught errors of the page and of its workers. */
function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console.error: ${message.text()} (${message.location().url})`);
  });
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('worker', (worker) => {
    worker.on('console', (message) => {
      if (message.type() === 'error') errors.push(`worker console.error: ${message.text()}`);
    });
  });
  page.on('crash', () => errors.push('the page crashed'));
  return errors;
}

/** Opens the demo on its Synthetic tab and waits until the store is open. */
async function openDemo(page: Page, url = '/#synthetic'): Promise<void> {
  await page.goto(url);
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true');
  await expect(page.locator('body')).toHaveAttribute('data-busy', 'false');
}

/** Inserts `n` points of `dim` dimensions through the page and waits for the end. */
async function insert(page: Page, n: number, dim: number): Promise<void> {
  await page.getByTestId('input-n').fill(String(n));
  await page.getByTestId('input-dim').fill(String(dim));
  await page.getByTestId('insert').click();
  await expect(page.getByTestId('progress')).toHaveAttribute('data-value', String(n));
  await expect(page.locator('body')).toHaveAttribute('data-busy', 'false');
  await expect(page.getByTestId('status')).toHaveAttribute('data-kind', 'ok');
  await expect(page.getByTestId('progress-text')).toHaveText(`inserted ${n.toLocaleString('en-US')} / ${n.toLocaleString('en-US')}`);
  expect(await page.getByTestId('progress').evaluate((el: HTMLProgressElement) => [el.value, el.max])).toEqual([n, n]);
}

/** Expects the stored count shown on the page. */
async function expectCount(page: Page, n: number): Promise<void> {
  await expect(page.getByTestId('count')).toHaveAttribute('data-value', String(n));
  await expect(page.getByTestId('count')).toHaveText(n.toLocaleString('en-US'));
}

/** Runs a search and checks 10 rows with non-increasing scores and a latency; returns the scores. */
async function search(page: Page): Promise<number[]> {
  const latency = page.getByTestId('latency');
  const table = page.getByTestId('results');
  const searches = Number((await table.getAttribute('data-searches')) ?? 0);
  await page.getByTestId('search').click();
  await expect(table).toHaveAttribute('data-searches', String(searches + 1));
  await expect(page.locator('body')).toHaveAttribute('data-busy', 'false');
  await expect(page.getByTestId('status')).toHaveAttribute('data-kind', 'ok');
  const rows = page.getByTestId('result-row');
  await expect(rows).toHaveCount(10);
  const scores = (await rows.getByTestId('result-score').evaluateAll((cells) => cells.map((c) => Number((c as HTMLElement).dataset.value))));
  expect(scores).toHaveLength(10);
  for (const score of scores) expect(Number.isFinite(score)).toBe(true);
  for (let i = 1; i < scores.length; i++) expect(scores[i], `score ${i} ≤ score ${i - 1}`).toBeLessThanOrEqual(scores[i - 1]);
  const ms = Number(await latency.getAttribute('data-value'));
  expect(ms).toBeGreaterThan(0);
  expect(ms).toBeLessThan(10_000);
  await expect(latency).toHaveText(/^\d+\.\d\d ms$/);
  const ids = await rows.getByTestId('result-id').allTextContents();
  expect(new Set(ids).size).toBe(10);
  await expect(rows.first().getByTestId('result-payload')).toHaveText(/^\{"cluster":\d+,"label":"item-\d+"\}$/);
  return scores;
}

test('insert, count, search; engine in a worker with relaxed SIMD', async ({ page }) => {
  const errors = watchErrors(page);
  await openDemo(page);
  await expect(page.getByTestId('info-kernels')).toHaveText('relaxed-simd');
  await expect(page.getByTestId('info-worker')).toHaveText('true');
  await expect(page.getByTestId('info-storage')).toHaveText('indexeddb');
  await expectCount(page, 0);

  await insert(page, N, DIM);
  await expectCount(page, N);
  await expect(page.getByTestId('collection-info')).toContainText(`${DIM} dimensions`);

  await search(page); // query by a stored point's id (the default)
  await page.getByTestId('search-mode').selectOption('vector');
  await search(page); // query by a random vector
  expect(errors).toEqual([]);
});

test('a page reload shows the stored points without inserting again', async ({ page }) => {
  const errors = watchErrors(page);
  await openDemo(page);
  await insert(page, N, DIM);
  await expectCount(page, N);

  await page.reload();
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true');
  await expectCount(page, N);
  await expect(page.getByTestId('status')).toContainText('loaded from IndexedDB');
  await expect(page.getByTestId('progress-text')).toHaveText('inserted 0 / 0'); // nothing was inserted this time
  await search(page);

  // The Reload button reloads too, and Reset empties the collection for good.
  await Promise.all([page.waitForEvent('load'), page.getByTestId('reload').click()]);
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true');
  await expectCount(page, N);
  await page.getByTestId('reset').click();
  await expect(page.locator('body')).toHaveAttribute('data-busy', 'false');
  await expectCount(page, 0);
  await page.reload();
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true');
  await expectCount(page, 0);
  expect(errors).toEqual([]);
});

test('a browser restart on the same profile keeps the points', async ({ baseURL }) => {
  const profile = await mkdtemp(join(tmpdir(), 'veclite-e2e-profile-'));
  const launch = () => chromium.launchPersistentContext(profile, { executablePath: chromiumPath, args: chromiumArgs, headless: true, baseURL });
  try {
    let context = await launch();
    let page = context.pages()[0] ?? (await context.newPage());
    let errors = watchErrors(page);
    await openDemo(page);
    await expectCount(page, 0);
    await insert(page, N, DIM);
    await expectCount(page, N);
    expect(errors).toEqual([]);
    await context.close(); // the whole browser: a persistent context owns it

    context = await launch();
    try {
      page = context.pages()[0] ?? (await context.newPage());
      errors = watchErrors(page);
      await openDemo(page);
      await expectCount(page, N);
      await expect(page.getByTestId('status')).toContainText('loaded from IndexedDB');
      await search(page);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  } finally {
    await rm(profile, { recursive: true, force: true });
  }
});

test('screenshots after a search; no horizontal overflow at 390 px', async ({ page }, testInfo) => {
  const errors = watchErrors(page);
  await page.setViewportSize({ width: 1280, height: 900 });
  await openDemo(page);
  await insert(page, N, DIM);
  await search(page);
  const desktop = testInfo.outputPath('demo-desktop.png');
  await page.screenshot({ path: desktop, fullPage: true });
  await testInfo.attach('demo-desktop', { path: desktop, contentType: 'image/png' });

  await page.setViewportSize({ width: 390, height: 844 });
  await search(page);
  const overflow = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
  expect(overflow.scrollWidth, `scrollWidth ${overflow.scrollWidth} vs innerWidth ${overflow.innerWidth}`).toBeLessThanOrEqual(overflow.innerWidth);
  const narrow = testInfo.outputPath('demo-390px.png');
  await page.screenshot({ path: narrow, fullPage: true });
  await testInfo.attach('demo-390px', { path: narrow, contentType: 'image/png' });

  // Also when the page is loaded at that width from the start.
  await page.reload();
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true');
  await search(page);
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
  expect(errors).toEqual([]);
});
