/** Opens in-process stores over fake-indexeddb, each under a fresh name. */
import 'fake-indexeddb/auto';
import { openStore, type OpenStoreOptions, type VecliteClient } from '../../src/index';

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
