/** A storage backend that keeps nothing: for tests, scratch stores and runtimes without IndexedDB, chosen explicitly. */
import type { CompactionSnapshot, LogRecord, CollectionRecord, Storage, StoredState } from './types';

/** Creates a backend whose writes succeed at once and whose load is always empty. */
export function memoryStorage(): Storage {
  return {
    kind: 'memory',
    load: async (): Promise<StoredState> => ({ collections: [], chunks: [], log: [], lastSeq: 0 }),
    putCollection: async (_record: CollectionRecord) => {},
    deleteCollection: async (_uid: string) => {},
    append: async (_record: LogRecord) => {},
    compact: async (_snapshot: CompactionSnapshot) => {},
    close: () => {},
  };
}
