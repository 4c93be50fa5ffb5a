/**
 * Several tabs: three pages of one origin write to one store at once; one page is closed while
 * it writes. The others see every write within a short delay, nothing acknowledged is lost, and
 * a page opened afterwards sees the same store.
 */
import { chromium, expect, test } from '@playwright/test';
import { chromiumArgs, chromiumPath } from '../../scripts/chromium.mjs';
import { Acks, checkAgainst, checkBulk, startServer, type Dumped } from './lab';

test('three tabs write concurrently; one closes mid-write; nothing acknowledged is lost', async () => {
  const { server, url } = await startServer();
  const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
  try {
    const context = await browser.newContext();
    const acks = new Acks();
    const errors: string[] = [];
    const pages = await Promise.all([0, 1, 2].map(() => context.newPage()));
    for (const page of pages) {
      page.on('console', (m) => (m.type() === 'error' ? errors.push(m.text()) : acks.take(m.text())));
      page.on('pageerror', (e) => errors.push(String(e)));
      await page.goto(url);
      await page.evaluate(() => (globalThis as any).lab.open('tabs', 5));
    }
    // Disjoint batch ranges per tab; each streams until stopped.
    // Every 6th batch also writes a folded bulk batch, which makes the other tabs reload.
    const streams = pages.map((page, tab) => page.evaluate(([first, t]) => (globalThis as any).lab.stream(first, t, 6), [tab * 10_000, tab]).catch(() => {}));
    await new Promise((r) => setTimeout(r, 1500));
    await pages[2].close(); // mid-write
    await new Promise((r) => setTimeout(r, 1000));
    await Promise.all(pages.slice(0, 2).map((page) => page.evaluate(() => (globalThis as any).lab.stop())));
    await Promise.all(streams);
    expect(acks.upserts.size).toBeGreaterThan(10);
    expect([...acks.upserts].some((b) => b >= 20_000)).toBe(true); // the closed tab had written

    const dump = (page: (typeof pages)[number]) => page.evaluate(() => (globalThis as any).lab.dump() as Promise<Dumped[]>);
    await expect
      .poll(async () => {
        const [a, b] = await Promise.all([dump(pages[0]), dump(pages[1])]);
        return JSON.stringify(a) === JSON.stringify(b) ? a.length : -1;
      }, { timeout: 5000 })
      .toBeGreaterThan(0);
    const seen = await dump(pages[0]);
    checkAgainst(seen, acks, 10);
    const bulk = (page: (typeof pages)[number]) => page.evaluate(() => (globalThis as any).lab.dumpBulk() as Promise<Record<number, number>>);
    await expect.poll(async () => JSON.stringify(await bulk(pages[1])), { timeout: 5000 }).toBe(JSON.stringify(await bulk(pages[0])));
    const bulkSeen = await bulk(pages[0]);
    checkBulk(bulkSeen, acks, 1024);
    expect(acks.bulks.size).toBeGreaterThan(0);
    const late = await context.newPage();
    await late.goto(url);
    await late.evaluate(() => (globalThis as any).lab.open('tabs', 5));
    expect(await dump(late)).toEqual(seen);
    expect(await bulk(late)).toEqual(bulkSeen);
    expect(errors).toEqual([]);
  } finally {
    await browser.close();
    await server.close();
  }
});
