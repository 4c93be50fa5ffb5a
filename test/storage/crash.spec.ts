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
import { Acks, checkAgainst, checkBulk, chromiumCorruption, launchOwned, startServer, type Dumped } from './lab';

const ROUNDS = Number(process.env.CRASH_ROUNDS ?? 20);
const BATCH = 10;
const BULK = 1024;
/** Every this many batches the page also writes a 512 KiB bulk batch, which the engine folds. */
const BULK_EVERY = 4;

/**
 * Chromium's own IndexedDB can lose a whole database after a SIGKILL: its LevelDB finds the tail of
 * its write-ahead log damaged ("Corruption: checksum mismatch"), refuses to open ("Internal error
 * opening backing store") and deletes the database. That is below veclite: veclite then reports
 * the loss rather than opening empty, and no write of its can prevent it. With strict durability
 * it happened in 6 of 32 runs of this test on this machine (3 of 23 with inline chunks, 3 of 9
 * with Blob chunks; a run is 20 kills); with relaxed durability and Blob chunks, in none of 12.
 * When it happens, and only when Chromium's LOG files show that
 * corruption, the run notes it and goes on with a fresh profile; it still needs ROUNDS verified
 * relaunches, and fails if Chromium loses its store more than MAX_CHROMIUM_LOSSES times.
 */
const MAX_CHROMIUM_LOSSES = 2;

test(`no acknowledged write is lost across ${ROUNDS} SIGKILLs of the browser, compactions included`, async () => {
  const { server, url } = await startServer();
  const newProfile = () => mkdtempSync(join(tmpdir(), 'veclite-crash-'));
  let profile = newProfile();
  const random = rng(2026);
  let acks = new Acks();
  let current: Awaited<ReturnType<typeof launchOwned>> | undefined;
  let failed = false;
  const losses: string[] = [];
  /** Acknowledged upserts and bulk batches of the profiles Chromium lost. */
  let earlier = { upserts: 0, bulks: 0 };
  try {
    let next = 0;
    for (let round = 0, verified = 0; ; round++) {
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
      const openError = await owned.page
        .evaluate(() => (globalThis as any).lab.open('crash', 4))
        .then(() => null, (error: Error) => error);
      if (openError) {
        const corruption = chromiumCorruption(profile);
        const chromiumLoss = /Internal error opening backing store|deleted while the store was closed/.test(openError.message) && corruption.length > 0;
        if (!chromiumLoss) throw new Error(`round ${round}: the store did not open: ${openError.message}`);
        losses.push(`round ${round}: ${openError.message.split('\n')[0]} — ${corruption.join(' | ')}`);
        test.info().annotations.push({ type: 'Chromium lost its IndexedDB backing store', description: losses[losses.length - 1] });
        console.warn(`crash test, ${losses[losses.length - 1]}; going on with a fresh profile`);
        expect(losses.length, `Chromium lost its backing store more than ${MAX_CHROMIUM_LOSSES} times:\n${losses.join('\n')}`).toBeLessThanOrEqual(MAX_CHROMIUM_LOSSES);
        await owned.kill();
        rmSync(profile, { recursive: true, force: true });
        profile = newProfile();
        earlier = { upserts: earlier.upserts + acks.upserts.size, bulks: earlier.bulks + acks.bulks.size };
        acks = new Acks();
        next = 0;
        continue;
      }
      const points = await owned.page.evaluate(() => (globalThis as any).lab.dump() as Promise<Dumped[]>);
      next = checkAgainst(points, acks, BATCH, `round ${round}, ${opened}`) + 1;
      const bulk = await owned.page.evaluate(() => (globalThis as any).lab.dumpBulk() as Promise<Record<number, number>>);
      checkBulk(bulk, acks, BULK, `round ${round}`);
      for (const batch of Object.keys(bulk)) next = Math.max(next, Number(batch) + 1); // never reuse a bulk batch's ids
      expect(errors, `round ${round}: page errors`).toEqual([]);
      if (verified++ === ROUNDS) {
        expect(earlier.upserts + acks.upserts.size).toBeGreaterThan(ROUNDS); // the stream really wrote between kills
        expect(earlier.bulks + acks.bulks.size).toBeGreaterThan(0); // and folded batches among them
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
