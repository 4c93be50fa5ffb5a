/** Opens in-process stores over fake-indexeddb, each under a fresh name. */
import 'fake-indexeddb/auto';
import { openStore, type OpenStoreOptions, type VecliteClient } from '../../src/index';
import type { Storage } from '../../src/storage/types';

let counter = 0;

/** A fresh store name for one test. */
export function freshName(prefix = 'test'): string {
  counter += 1;
  return `${prefix}-${counter}-${Math.random().toString(36).slice(2, 8)}`;
}

/** Opens a store in-process (Node has no Worker) over fake-indexeddb. */
export function open(name = freshName(), options: OpenStoreOptions = {}): Promise<VecliteClient> {
  return openStore(name, { worker: false, ...options });
}

/** Runs a call that must fail and returns its error. */
export async function failure(call: Promise<unknown>): Promise<{ status: number; message: string }> {
  try {
    await call;
  } catch (error) {
    return error as { status: number; message: string };
  }
  throw new Error('expected the call to fail');
}

/** Polls until `check` passes or `timeoutMs` have gone by (other tabs catch up asynchronously). */
export async function eventually(check: () => Promise<void>, timeoutMs = 1000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 10));
    }
  }
}

/** A storage backend whose writes fail with QuotaExceededError while `full` is true. */
export function fillable(storage: Storage): Storage & { full: boolean } {
  const quota = () => Promise.reject(new DOMException('The quota has been exceeded.', 'QuotaExceededError'));
  const wrapped = Object.create(storage) as Storage & { full: boolean };
  wrapped.full = false;
  wrapped.append = (record) => (wrapped.full ? quota() : storage.append(record));
  wrapped.putCollection = (record) => (wrapped.full ? quota() : storage.putCollection(record));
  wrapped.compact = (snapshot) => (wrapped.full ? quota() : storage.compact(snapshot));
  return wrapped;
}
