/**
 * A file-system storage backend for Node (`veclite serve --data DIR`): the same opaque records
 * as the IndexedDB backend — collections, an ordered log, chunks — one file each, serialised
 * with `node:v8` (structured-clone semantics: typed arrays, BigInt and `__proto__` keys survive).
 *
 * ```
 * DIR/LOCK                          pid of the process that has the directory open
 * DIR/meta.rec                      { format, foldedSeq, deletedThrough }
 * DIR/collections/<hex uid>.rec     one CollectionRecord per collection
 * DIR/log/<seq, 16 digits>.rec      one LogRecord per acknowledged change set
 * DIR/chunks/<hex uid>/<kind hash>.<no>.rec   one ChunkRecord per chunk
 * DIR/compaction.rec                only while a compaction is being applied (see below)
 * ```
 *
 * Durability: every file is written to a temporary name, fsynced, renamed over its final name,
 * and the directory fsynced, so a file is either wholly there or not there at all.
 *
 * Order: writes run one at a time, in call order (each write method queues its work
 * synchronously), and each promise resolves once its files are durable. After a failed write
 * every later write is refused: a gap in the log would make the next load replay the
 * operations around it on the wrong state.
 *
 * Compaction is all or nothing through a redo journal: the whole snapshot is first written as
 * `compaction.rec` (the commit point); then the chunks and collection records are written, the
 * snapshot's log record (a folded batch) if it has one, the log files up to `deleteThrough`
 * deleted (the engine keeps one compaction's worth), and the journal removed. `load()` reads
 * only the log files after the last compaction. A crash before the journal is durable
 * leaves the old chunks and the full log; a crash after it is finished on the next load by
 * applying the journal again (every step is idempotent). Either way no log record is replayed
 * onto chunks that already contain it — and the engine, which keeps each collection's last
 * operation id in its record, skips any that would be.
 *
 * One process at a time: `load()` takes DIR/LOCK (a second opener gets an error naming the
 * process that holds it), so `changesSince` has nothing to report.
 */
import { randomBytes, createHash } from 'node:crypto';
import { unlinkSync } from 'node:fs';
import { mkdir, open, readFile, readdir, rename, rm, stat, statfs, unlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import type { ChangesSince, ChunkRange, ChunkRecord, CollectionRecord, CompactionSnapshot, LogRecord, Storage, StorageEstimateInfo, StoredState } from './types';

/**
 * The layout version this code writes (in meta.rec). Format 2 may hold chunk pieces (fractional
 * `no`), which format 1 code would load as whole chunks, so it refuses them; format 1 is read as is.
 */
export const FILE_FORMAT = 2;
const READABLE_FORMATS: readonly unknown[] = [1, 2];

/** Options of {@link fileStorage}. */
export interface FileStorageOptions {
  /** fsync files and directories before a write resolves (default true). Turning it off trades crash safety for speed. */
  fsync?: boolean;
}

/**
 * The file backend. Its `kind` is `'file'` at run time; the Storage interface's union does not
 * list it yet (src/storage/types.ts), hence the cast where it is set.
 */
export type FileStorage = Storage & { readonly dir: string };

const RECORD = '.rec';
const JOURNAL = 'compaction.rec';
const META = 'meta.rec';
const LOCK = 'LOCK';
/** Directories this process has locked (a second store on the same directory is refused). */
const lockedHere = new Set<string>();

/**
 * A storage backend keeping a store in the directory `dir` (created if needed). Nothing is
 * read or locked until the engine calls `load()`; `close()` releases the lock once pending
 * writes are done.
 */
export function fileStorage(dir: string, options: FileStorageOptions = {}): FileStorage {
  return new FileBackend(resolve(dir), options.fsync ?? true);
}

interface Meta {
  format: number;
  /** The last compaction's upToSeq: the chunks fold the log up to it. */
  foldedSeq: number;
  /** Log files up to this seq have been deleted. */
  deletedThrough: number;
}

class FileBackend implements FileStorage {
  // The Storage interface names 'indexeddb' | 'memory'; this backend reports itself honestly as 'file'.
  readonly kind = 'file';
  readonly dir: string;
  private readonly fsync: boolean;
  private queue: Promise<void> = Promise.resolve();
  private pending = 0;
  private failure: Error | undefined;
  private loaded = false;
  private closed = false;
  private locked = false;
  private meta: Meta = { format: FILE_FORMAT, foldedSeq: 0, deletedThrough: 0 };
  private readonly lostListeners: ((reason: string) => void)[] = [];

  constructor(dir: string, fsync: boolean) {
    this.dir = dir;
    this.fsync = fsync;
  }

  private path(...parts: string[]): string {
    return join(this.dir, ...parts);
  }

  private collectionFile(uid: string): string {
    return this.path('collections', hex(uid) + RECORD);
  }

  private chunkDir(uid: string): string {
    return this.path('chunks', hex(uid));
  }

  private chunkFile(chunk: Pick<ChunkRecord, 'uid' | 'kind' | 'no'>): string {
    return join(this.chunkDir(chunk.uid), `${kindHash(chunk.kind)}.${chunk.no}${RECORD}`);
  }

  private logFile(seq: number): string {
    return this.path('log', String(seq).padStart(16, '0') + RECORD);
  }

  // ---- reading ---------------------------------------------------------------------------------

  async load(): Promise<StoredState> {
    if (this.loaded) throw new Error('fileStorage: load() was already called');
    if (this.closed) throw new Error('fileStorage: closed');
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    await this.lock();
    try {
      for (const sub of ['collections', 'log', 'chunks']) await mkdir(this.path(sub), { recursive: true, mode: 0o700 });
      await removeTemporaryFiles(this.dir, 2);
      const meta = await readRecordIfExists<Meta>(this.path(META));
      if (meta && !READABLE_FORMATS.includes(meta.format)) {
        throw new Error(`${this.dir} was written with file format ${String(meta.format)}; this build reads format ${FILE_FORMAT}`);
      }
      if (meta) this.meta = meta;
      const journal = await readRecordIfExists<CompactionSnapshot>(this.path(JOURNAL));
      if (journal) await this.applyCompaction(journal); // a compaction that committed but did not finish

      const collections: CollectionRecord[] = [];
      for (const file of (await readdir(this.path('collections'))).filter((f) => f.endsWith(RECORD)).sort()) {
        collections.push(await readRecord<CollectionRecord>(this.path('collections', file)));
      }
      const known = new Set(collections.map((c) => hex(c.uid)));
      const chunks: ChunkRecord[] = [];
      for (const uidDir of (await readdir(this.path('chunks'))).sort()) {
        // Chunks of a collection whose record is gone: a deleteCollection interrupted half-way.
        if (!known.has(uidDir)) {
          await rm(this.path('chunks', uidDir), { recursive: true, force: true });
          continue;
        }
        for (const file of (await readdir(this.path('chunks', uidDir))).filter((f) => f.endsWith(RECORD)).sort()) {
          chunks.push(await readRecord<ChunkRecord>(this.path('chunks', uidDir, file)));
        }
      }
      const log: LogRecord[] = [];
      // Log files up to the last compaction are folded into the chunks (kept one cycle, as in IndexedDB): not read.
      const logFiles = (await readdir(this.path('log'))).filter((f) => /^\d{16}\.rec$/.test(f) && Number(f.slice(0, 16)) > this.meta.foldedSeq).sort();
      for (const file of logFiles) log.push(await readRecord<LogRecord>(this.path('log', file)));
      log.sort((a, b) => a.seq - b.seq);
      const lastSeq = Math.max(this.meta.foldedSeq, log.length ? log[log.length - 1].seq : 0);
      this.loaded = true;
      return { collections, chunks, log, lastSeq, foldedSeq: this.meta.foldedSeq };
    } catch (error) {
      this.unlock();
      throw error;
    }
  }

  /** Nobody else writes to a locked directory: there is never anything to catch up with. */
  async changesSince(_seq: number): Promise<ChangesSince | null> {
    return null;
  }

  async chunksOf(uid: string): Promise<ChunkRecord[]> {
    const dir = this.chunkDir(uid);
    const files = (await readdir(dir).catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? [] : Promise.reject(error)))) as string[];
    const chunks: ChunkRecord[] = [];
    for (const file of files.filter((f) => f.endsWith(RECORD)).sort()) chunks.push(await readRecord<ChunkRecord>(join(dir, file)));
    return chunks;
  }

  /** Registered, never called: a directory does not vanish the way a browser may evict a database (writes fail instead). */
  onLost(callback: (reason: string) => void): void {
    this.lostListeners.push(callback);
  }

  /** Bytes used by the directory, and the room left on its file system. */
  async estimate(): Promise<StorageEstimateInfo> {
    const usage = await directorySize(this.dir).catch(() => null);
    const free = await statfs(this.dir)
      .then((fs) => fs.bavail * fs.bsize)
      .catch(() => null);
    return { usage, quota: usage !== null && free !== null ? usage + free : null, persisted: true, backend: 'file' };
  }

  /** Files stay until deleted: always persisted. */
  async persist(): Promise<boolean> {
    return true;
  }

  // ---- writing ---------------------------------------------------------------------------------

  /** Queues work behind every earlier write; it runs only if none of them failed. */
  private enqueue(work: () => Promise<void>): Promise<void> {
    if (this.closed) return Promise.reject(new Error('fileStorage: closed'));
    if (!this.loaded) return Promise.reject(new Error('fileStorage: load() must come first'));
    this.pending++;
    const run = this.queue.then(async () => {
      if (this.failure) throw new Error(`fileStorage: an earlier write failed (${this.failure.message}); nothing more is written`);
      try {
        await work();
      } catch (error) {
        const failure = describeWriteError(error);
        this.failure ??= failure;
        throw failure;
      }
    });
    const settled = run.then(
      () => {},
      () => {},
    );
    this.queue = settled;
    void settled.then(() => {
      this.pending--;
      if (this.closed && this.pending === 0) this.unlock();
    });
    return run;
  }

  putCollection(record: CollectionRecord): Promise<void> {
    return this.enqueue(async () => {
      await this.writeFile(this.collectionFile(record.uid), record);
      await this.syncDir(this.path('collections'));
    });
  }

  deleteCollection(uid: string): Promise<void> {
    return this.enqueue(async () => {
      // The record goes first: chunks left behind by a crash here are removed by the next load.
      await unlink(this.collectionFile(uid)).catch(ignoreMissing);
      await this.syncDir(this.path('collections'));
      await rm(this.chunkDir(uid), { recursive: true, force: true });
      await this.syncDir(this.path('chunks'));
    });
  }

  append(record: LogRecord): Promise<void> {
    return this.enqueue(async () => {
      await this.writeFile(this.logFile(record.seq), record);
      await this.syncDir(this.path('log'));
    });
  }

  compact(snapshot: CompactionSnapshot): Promise<void> {
    return this.enqueue(async () => {
      // The format first: a format 1 build must not find (and apply) a journal holding pieces.
      if (this.meta.format !== FILE_FORMAT) {
        this.meta = { ...this.meta, format: FILE_FORMAT };
        await this.writeFile(this.path(META), this.meta);
      }
      const journal = this.path(JOURNAL);
      await this.writeFile(journal, snapshot);
      try {
        await this.syncDir(this.dir); // the commit point
      } catch (error) {
        // Not known to be committed: take the journal back, or a later load would apply a write
        // the caller was told failed. If even that fails, the journal stands: report it committed.
        if (await unlink(journal).then(() => true, () => false)) throw error;
      }
      // Committed: the next load finishes the journal whatever happens now, so a failure while
      // applying it must not reject (the caller would undo and report a write that comes back).
      // It stops every later write instead, until a reopen has applied the journal.
      await this.applyCompaction(snapshot).catch((error: unknown) => {
        this.failure ??= describeWriteError(error);
      });
    });
  }

  /** Writes what a committed journal says, then removes the folded log files and the journal. Idempotent. */
  private async applyCompaction(snapshot: CompactionSnapshot): Promise<void> {
    const dirs = new Map<string, Promise<unknown>>();
    await inParallel(snapshot.chunks, 8, async (chunk) => {
      const dir = this.chunkDir(chunk.uid);
      if (!dirs.has(dir)) dirs.set(dir, mkdir(dir, { recursive: true, mode: 0o700 }));
      await dirs.get(dir);
      await this.writeFile(this.chunkFile(chunk), chunk);
    });
    for (const range of snapshot.deleteChunks ?? []) await this.deleteChunkRange(range);
    for (const collection of snapshot.collections) await this.writeFile(this.collectionFile(collection.uid), collection);
    for (const dir of dirs.keys()) await this.syncDir(dir);
    await this.syncDir(this.path('chunks'));
    await this.syncDir(this.path('collections'));
    this.meta = {
      format: FILE_FORMAT,
      foldedSeq: Math.max(this.meta.foldedSeq, snapshot.upToSeq),
      deletedThrough: Math.max(this.meta.deletedThrough, snapshot.deleteThrough),
    };
    await this.writeFile(this.path(META), this.meta);
    if (snapshot.log) await this.writeFile(this.logFile(snapshot.log.seq), snapshot.log); // a folded batch's record
    for (const file of await readdir(this.path('log'))) {
      const seq = /^(\d{16})\.rec$/.exec(file);
      if (seq && Number(seq[1]) <= snapshot.deleteThrough) await unlink(this.path('log', file)).catch(ignoreMissing);
    }
    await this.syncDir(this.path('log'));
    await unlink(this.path(JOURNAL)).catch(ignoreMissing);
    await this.syncDir(this.dir);
  }

  /** Removes the chunk files of one collection and kind whose `no` lies strictly inside the range. */
  private async deleteChunkRange(range: ChunkRange): Promise<void> {
    const dir = this.chunkDir(range.uid);
    const prefix = `${kindHash(range.kind)}.`;
    const files = await readdir(dir).catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? [] : Promise.reject(error)));
    for (const file of files) {
      if (!file.startsWith(prefix) || !file.endsWith(RECORD)) continue;
      const no = Number(file.slice(prefix.length, -RECORD.length));
      if (no > range.after && no < range.before) await unlink(join(dir, file)).catch(ignoreMissing);
    }
  }

  /** Writes a record durably: temporary file, fsync, rename over the final name. */
  private async writeFile(path: string, record: unknown): Promise<void> {
    const tmp = `${path}.tmp-${randomBytes(6).toString('hex')}`;
    try {
      const handle = await open(tmp, 'w', 0o600);
      try {
        await handle.writeFile(serialize(record));
        if (this.fsync) await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(tmp, path);
    } catch (error) {
      await unlink(tmp).catch(() => {});
      throw error;
    }
  }

  /** Makes renames and unlinks in a directory durable. */
  private async syncDir(path: string): Promise<void> {
    if (!this.fsync || process.platform === 'win32') return; // Windows cannot open a directory for fsync
    const handle = await open(path, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  }

  // ---- the lock --------------------------------------------------------------------------------

  private async lock(): Promise<void> {
    const path = this.path(LOCK);
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const handle = await open(path, 'wx', 0o600);
        try {
          await handle.writeFile(`${process.pid}\n`);
        } finally {
          await handle.close();
        }
        this.locked = true;
        lockedHere.add(this.dir);
        return;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const owner = Number((await readFile(path, 'utf8').catch(() => '')).trim());
      if (owner === process.pid && lockedHere.has(this.dir)) {
        throw new Error(`${this.dir} is already open in this process; close that store first`);
      }
      if (Number.isSafeInteger(owner) && owner > 0 && owner !== process.pid && processAlive(owner)) {
        throw new Error(`${this.dir} is in use by process ${owner}; stop it first (or, if no veclite runs there, delete ${path})`);
      }
      await unlink(path).catch(ignoreMissing); // left by a process that is gone
    }
    throw new Error(`could not lock ${this.dir}`);
  }

  private unlock(): void {
    if (!this.locked) return;
    this.locked = false;
    lockedHere.delete(this.dir);
    try {
      unlinkSync(this.path(LOCK));
    } catch {
      // already gone
    }
  }

  /** Stops accepting writes; the ones queued still complete, then the lock is released. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.pending === 0) this.unlock();
  }
}

/** Hex of a string's UTF-8 bytes: any uid becomes a safe file name. */
function hex(text: string): string {
  return Buffer.from(text, 'utf8').toString('hex');
}

function ignoreMissing(error: NodeJS.ErrnoException): void {
  if (error.code !== 'ENOENT') throw error;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Disk-full errors get the name the engine maps to 507 Insufficient storage. */
function describeWriteError(error: unknown): Error {
  const e = error instanceof Error ? error : new Error(String(error));
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    const full = new Error(`the disk is full: ${e.message}`);
    full.name = 'QuotaExceededError';
    return full;
  }
  return e;
}

async function readRecord<T>(path: string): Promise<T> {
  const bytes = await readFile(path);
  try {
    return deserialize(bytes) as T;
  } catch (error) {
    throw new Error(`${path} cannot be read (${(error as Error).message}): the data directory is damaged`);
  }
}

async function readRecordIfExists<T>(path: string): Promise<T | undefined> {
  try {
    return await readRecord<T>(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Deletes `*.tmp-*` files (writes a crash interrupted) down to `depth` directory levels. */
async function removeTemporaryFiles(dir: string, depth: number): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (depth > 0) await removeTemporaryFiles(path, depth - 1);
    } else if (/\.tmp-[0-9a-f]+$/.test(entry.name)) {
      await unlink(path).catch(ignoreMissing);
    }
  }
}

/** Total size of the files under a directory. */
async function directorySize(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += await directorySize(path);
    else if (entry.isFile()) total += (await stat(path).catch(() => ({ size: 0 }))).size;
  }
  return total;
}

/** Runs `work` over items with at most `limit` at a time. */
async function inParallel<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await work(items[next++]);
  });
  await Promise.all(lanes);
}

/** The file-name form of a chunk kind (kinds hold vector names, which may hold any character). */
function kindHash(kind: string): string {
  return createHash('sha256').update(kind).digest('hex').slice(0, 40);
}
