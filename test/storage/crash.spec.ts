/**
 * Crash safety: a page streams acknowledged writes (upserts, payload edits, deletes, with a
 * compaction every few writes) and the browser is SIGKILLed at a random moment, 20 times, on the
 * same profile. After each relaunch the store must open without error, hold every acknowledged
 * write, and show no batch partly applied.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { rng } from '../support/reference';
import { Acks, checkAgainst, checkBulk, launchOwned, startServer, type Dumped } from './lab';

const ROUNDS = Number(process.env.CRASH_ROUNDS ?? 20);
const BATCH = 10;
const BULK = 1024;
/** Every this many batches the page also writes a 512 KiB bulk batch, which the engine folds. */
const BULK_EVERY = 4;

test(`no acknowledged write is lost across ${ROUNDS} SIGKILLs of the browser, compactions included`, async () => {
  const { server, url } = await startServer();
  const profile = mkdtempSync(join(tmpdir(), 'veclite-crash-'));
  const random = rng(2026);
  const acks = new Acks();
  let current: Awaited<ReturnType<typeof launchOwned>> | undefined;
  let failed = false;
  try {
    let next = 0;
    for (let round = 0; round <= ROUNDS; round++) {
      const owned = (current = await launchOwned(profile));
      const errors: string[] = [];
      let opened = '';
      owned.page.on('console', (message) => {
        if (message.type() === 'error') errors.push(message.text());
        if (message.text().startsWith('OPENED ')) opened = message.text();
        acks.take(message.text());
      });
      owned.page.on('pageerror', (error) => errors.push(String(error)));
      await owned.page.goto(url);
      await owned.page.evaluate(() => (globalThis as any).lab.open('crash', 4)).catch((error: Error) => {
        throw new Error(`round ${round}: the store did not open: ${error.message}`);
      });
      const points = await owned.page.evaluate(() => (globalThis as any).lab.dump() as Promise<Dumped[]>);
      next = checkAgainst(points, acks, BATCH, `round ${round}, ${opened}`) + 1;
      const bulk = await owned.page.evaluate(() => (globalThis as any).lab.dumpBulk() as Promise<Record<number, number>>);
      checkBulk(bulk, acks, BULK, `round ${round}`);
      for (const batch of Object.keys(bulk)) next = Math.max(next, Number(batch) + 1); // never reuse a bulk batch's ids
      expect(errors, `round ${round}: page errors`).toEqual([]);
      if (round === ROUNDS) {
        expect(acks.upserts.size).toBeGreaterThan(ROUNDS); // the stream really wrote between kills
        expect(acks.bulks.size).toBeGreaterThan(0); // and folded batches among them
        await owned.browser.close().catch(() => {});
        await owned.kill().catch(() => {});
        break;
      }
      void owned.page.evaluate(([first, every]) => (globalThis as any).lab.stream(first, 0, every), [next, BULK_EVERY]).catch(() => {});
      await new Promise((r) => setTimeout(r, 150 + random() * 1200));
      await owned.kill();
    }
  } catch (error) {
    failed = true;
    throw error;
  } finally {
    // A failed round must not leave its browser running (it would hold the profile and the CPU).
    await current?.kill().catch(() => {});
    await server.close();
    // CRASH_KEEP_PROFILE=dir keeps a failed run's profile there (Chromium's IndexedDB LOG files say why it failed).
    if (failed && process.env.CRASH_KEEP_PROFILE) cpSync(profile, process.env.CRASH_KEEP_PROFILE, { recursive: true });
    rmSync(profile, { recursive: true, force: true });
  }
});
