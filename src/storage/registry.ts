/**
 * The stores this origin has created, kept in a small IndexedDB database of its own
 * (`veclite:registry`). It lets a store whose database was deleted while it was closed say so
 * when it opens, instead of opening silently empty. It cannot see a wipe of the whole origin
 * (clearing site data, or the browser evicting it), which removes the registry too.
 *
 * Best effort: when the registry cannot be read or written, nothing is reported.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';

const REGISTRY_NAME = 'veclite:registry';

interface RegistryDB extends DBSchema {
  stores: { key: string; value: { name: string; createdAt: string } };
}

async function openRegistry(): Promise<IDBPDatabase<RegistryDB> | undefined> {
  if (typeof indexedDB === 'undefined') return undefined;
  try {
    return await openDB<RegistryDB>(REGISTRY_NAME, 1, {
      upgrade(database) {
        database.createObjectStore('stores', { keyPath: 'name' });
      },
    });
  } catch {
    return undefined;
  }
}

async function withRegistry<T>(fallback: T, work: (db: IDBPDatabase<RegistryDB>) => Promise<T>): Promise<T> {
  const db = await openRegistry();
  if (!db) return fallback;
  try {
    return await work(db);
  } catch {
    return fallback;
  } finally {
    db.close();
  }
}

/**
 * Called when a store's database has just been created. Returns true when the registry says
 * the store existed before — its database was deleted while it was closed — and false for a
 * store seen for the first time (which it then records).
 */
export function wasDeletedWhileClosed(storeName: string): Promise<boolean> {
  return withRegistry(false, async (db) => {
    if (await db.get('stores', storeName)) return true;
    await db.put('stores', { name: storeName, createdAt: new Date().toISOString() });
    return false;
  });
}

/** Records a store that already has its database (opened before the registry existed, or registered by a tab that died first). */
export function rememberStore(storeName: string): Promise<void> {
  return withRegistry(undefined, async (db) => {
    if (!(await db.get('stores', storeName))) await db.put('stores', { name: storeName, createdAt: new Date().toISOString() });
  });
}

/** Forgets a store (it was deleted on purpose), so creating it again reports nothing. */
export function forgetStore(storeName: string): Promise<void> {
  return withRegistry(undefined, (db) => db.delete('stores', storeName));
}
