/**
 * Storage quota, in a real browser: Chromium's DevTools protocol gives the lab page's origin a
 * small quota (Storage.overrideQuotaForOrigin), on a persistent profile (IndexedDB on disk, as
 * for a user). A store fills it with acknowledged upserts until the browser refuses one. The
 * refused write must fail with 507 `Insufficient storage: …`, leave the store as the
 * acknowledged writes made it (nothing of the refused batch visible), keep it usable once
 * there is room again, and all of that must hold after the browser is relaunched on the profile.
 *
 * Chromium reports the full quota as a transaction abort whose error is a QuotaExceededError
 * with an empty message; veclite's 507 then reads `Insufficient storage: the browser storage
 * quota is exhausted`. Background compactions meet the quota first (they only warn).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, expect, test, type BrowserContext, type Page } from '@playwright/test';
import { chromiumArgs, chromiumPath } from '../../scripts/chromium.mjs';
import { startServer } from './lab';

/** The quota the test gives the origin (bytes). */
const QUOTA = 12 * 1024 * 1024;
/** The quota given back once the store is full (bytes). */
const ROOMY = 1024 * 1024 * 1024;
const DIM = 384;
/**
 * Points per upsert: 300 × 384 × 4 bytes = 450 KiB of vectors is one log record per batch; 400
 * (600 KiB, over the 512 KiB at which a batch is written folded) writes chunk pieces, whose
 * vectors are Blobs.
 */
const BATCHES = [
  { BATCH: 300, form: 'log records' },
  { BATCH: 400, form: 'folded batches (Blob chunk pieces)' },
];
/** Upserts tried before the test gives up on the quota ever being enforced (well past 12 MB). */
const MAX_BATCHES = 120;

/** What the page saw while filling the store. */
interface Fill {
  acked: number[];
  refused: { batch: number; name: string; status: unknown; message: string; isQdrantError: boolean } | null;
  estimates: { batch: number; usage: number | null; quota: number | null }[];
}

/**
 * Chromium on a persistent profile. Without StaticStorageQuota disabled, navigator.storage.estimate()
 * reports usage + 10 GiB whatever the quota (an anti-fingerprinting measure) although writes are
 * held to the overridden quota; disabled, estimate() (and storageInfo()) report the real quota.
 */
async function launch(profile: string): Promise<BrowserContext> {
  return chromium.launchPersistentContext(profile, { executablePath: chromiumPath, args: [...chromiumArgs, '--disable-features=StaticStorageQuota'], headless: true });
}

/**
 * Opens the lab page and veclite's public client in it (`globalThis.veclite`, the module the
 * lab page imports), then the store `quota` (`globalThis.store`).
 */
async function openPage(context: BrowserContext, url: string, problems: string[], warnings: string[]): Promise<Page> {
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
    if (m.type() === 'warning') warnings.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(String(e)));
  await page.goto(url);
  await page.addScriptTag({ type: 'module', content: "import * as veclite from '/src/index.ts'; globalThis.veclite = veclite; document.body.dataset.veclite = 'true';" });
  await page.waitForSelector('body[data-veclite="true"]', { state: 'attached' });
  await page.evaluate(async () => {
    const g = globalThis as any;
    g.store = await g.veclite.openStore('quota');
  });
  return page;
}

for (const { BATCH, form } of BATCHES) test(`${form}: a write beyond the storage quota fails with 507, leaves the store consistent, and it stays usable`, async () => {
  test.setTimeout(60_000);
  const { server, url } = await startServer();
  const origin = new URL(url).origin;
  const profile = mkdtempSync(join(tmpdir(), 'veclite-quota-'));
  const problems: string[] = [];
  const warnings: string[] = [];
  let context: BrowserContext | undefined;
  try {
    context = await launch(profile);
    // The quota is set before the page writes anything: Chromium's IndexedDB caches the space a
    // bucket has left at its first write and, in a probe on this machine, went on to write 40 MB
    // past a 12 MB quota set after that write (a quota set before it is enforced exactly).
    const cdp = await context.newCDPSession(context.pages()[0] ?? (await context.newPage()));
    await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: QUOTA });
    let page = await openPage(context, url, problems, warnings);
    const estimate = await page.evaluate(() => navigator.storage.estimate());
    expect(estimate.quota, `the quota override took (estimate: ${JSON.stringify(estimate)})`).toBe(QUOTA);
    expect(await page.evaluate(() => (globalThis as any).store.storageInfo())).toMatchObject({ quota: QUOTA, backend: 'indexeddb' });

    // 1. Fill: batch after batch (wait: true) until one is refused.
    const fill: Fill = await page.evaluate(
      async ([dim, batch, max]) => {
        const store = (globalThis as any).store;
        const QdrantError = (globalThis as any).veclite.QdrantError;
        await store.createCollection('c', { vectors: { size: dim, distance: 'Cosine' } });
        const out: Fill = { acked: [], refused: null, estimates: [] };
        for (let k = 0; k < max; k++) {
          const ids = Array.from({ length: batch }, (_, i) => k * batch + i);
          const vectors = ids.map((id) => Array.from({ length: dim }, (_, d) => Math.sin(id * 0.37 + d * 1.3) + 0.01 * ((id * 31 + d * 17) % 97)));
          try {
            await store.upsert('c', { wait: true, batch: { ids, vectors, payloads: ids.map((id) => ({ batch: k, i: id - k * batch })) } });
            out.acked.push(k);
          } catch (error: any) {
            out.refused = { batch: k, name: String(error?.name), status: error?.status, message: String(error?.message), isQdrantError: error instanceof QdrantError };
            break;
          } finally {
            const e = await store.storageInfo();
            out.estimates.push({ batch: k, usage: e.usage, quota: e.quota });
          }
        }
        return out;
      },
      [DIM, BATCH, MAX_BATCHES] as const,
    );
    const last = fill.estimates[fill.estimates.length - 1];
    test.info().annotations.push({
      type: 'quota fill',
      description: `${fill.acked.length} batches of ${BATCH} acknowledged; refused: ${JSON.stringify(fill.refused)}; usage after: ${last?.usage} of ${last?.quota}`,
    });
    if (warnings.length) test.info().annotations.push({ type: 'console warnings', description: warnings.join('\n') });
    expect(fill.acked.length, 'some batches fit before the quota ran out').toBeGreaterThan(3);
    expect(fill.refused, `a write was refused within ${MAX_BATCHES} batches (usage ${last?.usage} of ${last?.quota})`).not.toBeNull();
    const refused = fill.refused!;
    expect(refused.isQdrantError, `the refusal is a QdrantError (${JSON.stringify(refused)})`).toBe(true);
    expect({ status: refused.status, message: refused.message }).toEqual({ status: 507, message: expect.stringMatching(/^Insufficient storage: /) });
    // Every batch until the refusal was acknowledged: the acknowledged ones are 0 … refused − 1.
    expect(fill.acked).toEqual(Array.from({ length: refused.batch }, (_, k) => k));

    // 2. Consistent: exactly the acknowledged batches, nothing of the refused one; queries work.
    const acked = fill.acked;
    const check = async (p: Page, extra: number[]) =>
      p.evaluate(
        async ([ackedBatches, refusedBatch, batch, dim]) => {
          const store = (globalThis as any).store;
          const ids = (k: number) => Array.from({ length: batch }, (_, i) => k * batch + i);
          const count = (await store.count('c', { exact: true })).count as number;
          const refusedSeen = (await store.retrieve('c', { ids: ids(refusedBatch), with_payload: true })).length as number;
          const missing: number[] = [];
          const wrong: number[] = [];
          for (const k of ackedBatches) {
            const points = await store.retrieve('c', { ids: ids(k), with_payload: true });
            if (points.length !== batch) missing.push(k);
            else if (points.some((p: any) => p.payload.batch !== k || p.payload.i !== p.id - k * batch)) wrong.push(k);
          }
          const probe = ids(ackedBatches[ackedBatches.length - 1])[7];
          const vector = Array.from({ length: dim }, (_, d) => Math.sin(probe * 0.37 + d * 1.3) + 0.01 * ((probe * 31 + d * 17) % 97));
          const hits = (await store.query('c', { query: vector, limit: 3 })).points as { id: number; score: number }[];
          return { count, refusedSeen, missing, wrong, top: hits[0]?.id ?? null, probe, hits: hits.length };
        },
        [[...acked, ...extra], refused.batch, BATCH, DIM] as const,
      );
    const before = await check(page, []);
    expect(before).toEqual({ count: acked.length * BATCH, refusedSeen: 0, missing: [], wrong: [], top: before.probe, probe: before.probe, hits: 3 });

    // 3. Usable: with room again (a larger quota), a new write succeeds.
    await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: ROOMY });
    expect((await page.evaluate(() => navigator.storage.estimate())).quota).toBe(ROOMY);
    const after = refused.batch + 1; // a fresh batch; the refused one stays unwritten
    const written = await page.evaluate(
      async ([k, batch, dim]) => {
        const store = (globalThis as any).store;
        const ids = Array.from({ length: batch }, (_, i) => k * batch + i);
        const vectors = ids.map((id) => Array.from({ length: dim }, (_, d) => Math.sin(id * 0.37 + d * 1.3) + 0.01 * ((id * 31 + d * 17) % 97)));
        const result = await store.upsert('c', { wait: true, batch: { ids, vectors, payloads: ids.map((id) => ({ batch: k, i: id - k * batch })) } });
        await store.flush();
        return result.status as string;
      },
      [after, BATCH, DIM] as const,
    );
    expect(written).toBe('completed');
    const usable = await check(page, [after]);
    expect(usable).toEqual({ count: (acked.length + 1) * BATCH, refusedSeen: 0, missing: [], wrong: [], top: usable.probe, probe: usable.probe, hits: 3 });

    // 4. Durable: the browser closed and relaunched on the profile (same origin) sees the same store.
    await page.evaluate(() => (globalThis as any).store.close());
    await context.close();
    context = await launch(profile);
    page = await openPage(context, url, problems, warnings);
    const reopened = await check(page, [after]);
    expect(reopened).toEqual({ count: (acked.length + 1) * BATCH, refusedSeen: 0, missing: [], wrong: [], top: reopened.probe, probe: reopened.probe, hits: 3 });
    await page.evaluate(() => (globalThis as any).store.close());
    expect(problems, 'page errors').toEqual([]);
  } finally {
    await context?.close().catch(() => {});
    await server.close();
    rmSync(profile, { recursive: true, force: true });
  }
});
