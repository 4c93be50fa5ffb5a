/**
 * Shared pieces of the storage end-to-end tests: a Vite dev server for the lab page, Debian's
 * Chromium started as a process this test owns (so it can be SIGKILLed), and the bookkeeping of
 * acknowledged writes with the checks that every one of them survived.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, expect, type Browser, type Page } from '@playwright/test';
import { createServer, type ViteDevServer } from 'vite';
import { chromiumArgs, chromiumPath } from '../../scripts/chromium.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Starts the Vite dev server (test mode: the repo root is served) on a free loopback port. */
export async function startServer(): Promise<{ server: ViteDevServer; url: string }> {
  const server = await createServer({ root, configFile: `${root}/vite.config.ts`, mode: 'test', logLevel: 'error', server: { host: '127.0.0.1', port: 0 } });
  await server.listen();
  const url = server.resolvedUrls!.local[0].replace(/\/$/, '');
  return { server, url: `${url}/test/storage/pages/lab.html` };
}

/** A Chromium process on a persistent profile, reached over CDP; `kill()` is a SIGKILL of its whole process group. */
export interface OwnedBrowser {
  browser: Browser;
  page: Page;
  kill(): Promise<void>;
}

/** Launches Chromium on `profile` and opens a page. */
export async function launchOwned(profile: string): Promise<OwnedBrowser> {
  const child: ChildProcess = spawn(
    chromiumPath,
    [...chromiumArgs, '--headless=new', '--no-sandbox', `--user-data-dir=${profile}`, '--remote-debugging-port=0', 'about:blank'],
    { detached: true, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const endpoint = await new Promise<string>((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`Chromium did not start: ${text}`)), 30_000);
    child.stderr!.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const match = /DevTools listening on (ws:\/\/\S+)/.exec(text);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once('exit', (code) => reject(new Error(`Chromium exited (${code}): ${text}`)));
  });
  const browser = await chromium.connectOverCDP(endpoint);
  const context = browser.contexts()[0];
  const page = context.pages()[0] ?? (await context.newPage());
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    browser,
    page,
    kill: async () => {
      process.kill(-child.pid!, 'SIGKILL');
      await exited;
      // /usr/bin/chromium is a wrapper script: its exit does not mean the browser processes are
      // gone. Wait until no process of the group is left, so the next launch never meets a
      // dying browser still holding the profile (and its IndexedDB files).
      const deadline = Date.now() + 15_000;
      for (;;) {
        try {
          process.kill(-child.pid!, 0);
        } catch {
          return; // ESRCH: the whole group is gone
        }
        if (Date.now() > deadline) throw new Error('Chromium processes survived SIGKILL for 15 s');
        await new Promise((r) => setTimeout(r, 25));
      }
    },
  };
}

/** The acknowledged writes seen so far, from the page's `ACK {...}` console lines. */
export class Acks {
  readonly upserts = new Set<number>();
  readonly edits = new Map<number, number>();
  readonly deletes = new Set<number>();
  /** Bulk batches (folded batches in the `bulk` collection) acknowledged. */
  readonly bulks = new Set<number>();

  /** Records one console line if it is an acknowledgement. */
  take(text: string): void {
    if (!text.startsWith('ACK ')) return;
    const event = JSON.parse(text.slice(4)) as { op: string; batch: number; by?: number };
    if (event.op === 'upsert') this.upserts.add(event.batch);
    else if (event.op === 'edit') this.edits.set(event.batch, event.by!);
    else if (event.op === 'delete') this.deletes.add(event.batch);
    else if (event.op === 'bulk') this.bulks.add(event.batch);
  }
}

/**
 * Checks the `bulk` collection (points per bulk batch) against the acknowledged bulk batches:
 * every acknowledged one is whole, and none is partly visible.
 */
export function checkBulk(counts: Record<number, number>, acks: Acks, bulkSize: number, context = ''): void {
  const problems: string[] = [];
  for (const [batch, count] of Object.entries(counts)) if (count !== bulkSize) problems.push(`bulk batch ${batch} is partly visible (${count} of ${bulkSize})`);
  for (const batch of acks.bulks) if (!counts[batch]) problems.push(`acknowledged bulk batch ${batch} is missing`);
  expect(problems, `${context} (${Object.keys(counts).length} bulk batches in the store, ${acks.bulks.size} acknowledged)`).toEqual([]);
}

/** A point as the lab page dumps it. */
export interface Dumped {
  id: number;
  batch: number;
  tab: number;
  edited?: number;
}

/**
 * Checks a store's contents against the acknowledged writes: no batch is ever partly visible;
 * every acknowledged upsert is there unless its deletion may have run (a delete is issued for
 * batch b when b + 2 is a multiple of 5); an acknowledged delete took effect; an acknowledged
 * edit is on every point of its batch. Returns the highest batch number seen.
 */
export function checkAgainst(points: Dumped[], acks: Acks, batchSize: number, context = ''): number {
  const byBatch = new Map<number, Dumped[]>();
  for (const p of points) {
    const list = byBatch.get(p.batch) ?? [];
    list.push(p);
    byBatch.set(p.batch, list);
  }
  // Problems are collected in plain code and asserted once: thousands of expect() calls are slow.
  const problems: string[] = [];
  for (const [batch, list] of byBatch) {
    if (list.length !== batchSize) problems.push(`batch ${batch} is partly visible (${list.length} of ${batchSize} points)`);
    if (new Set(list.map((p) => p.edited)).size !== 1) problems.push(`batch ${batch} is partly edited`);
  }
  for (const batch of acks.upserts) {
    if (acks.deletes.has(batch) || byBatch.has(batch)) continue;
    if ((batch + 2) % 5 === 0) continue; // an unacknowledged delete of it may have run
    problems.push(`acknowledged batch ${batch} is missing`);
  }
  for (const batch of acks.deletes) if (byBatch.has(batch)) problems.push(`deleted batch ${batch} is back`);
  for (const [batch, by] of acks.edits) {
    const list = byBatch.get(batch);
    if (list && list[0].edited !== by) problems.push(`acknowledged edit of batch ${batch} is missing`);
  }
  expect(problems, `${context} (${points.length} points in the store, ${acks.upserts.size} batches acknowledged)`).toEqual([]);
  let highest = -1;
  for (const batch of byBatch.keys()) highest = Math.max(highest, batch);
  for (const batch of acks.upserts) highest = Math.max(highest, batch);
  return highest;
}

/**
 * The corruption Chromium's own LevelDB reported for the profile's IndexedDB (the `Corruption:`
 * lines of its LOG files, and `corruption_info.json`): empty when LevelDB found none.
 */
export function chromiumCorruption(profile: string): string[] {
  const root = join(profile, 'Default', 'IndexedDB');
  if (!existsSync(root)) return [];
  const found: string[] = [];
  for (const dir of readdirSync(root).filter((d) => d.endsWith('.leveldb'))) {
    for (const file of readdirSync(join(root, dir))) {
      const path = join(root, dir, file);
      if (file === 'corruption_info.json') found.push(`${file}: ${readFileSync(path, 'utf8').trim()}`);
      else if (file.startsWith('LOG')) found.push(...readFileSync(path, 'utf8').split('\n').filter((line) => line.includes('Corruption:')));
    }
  }
  return found;
}
