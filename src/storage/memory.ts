/** A storage backend that keeps nothing: for tests, scratch stores and runtimes without IndexedDB, chosen explicitly. */
import type { ChangesSince, ChunkRecord, CompactionSnapshot, LogRecord, CollectionRecord, Storage, StoredState } from './types';

/** Creates a backend whose writes succeed at once and whose load is always empty. */
export function memoryStorage(): Storage {
  return {
    kind: 'memory',
    load: async (): Promise<StoredState> => ({ collections: [], chunks: [], log: [], lastSeq: 0, foldedSeq: 0 }),
    // Nothing is shared: one memory store has no other writer to catch up with.
    changesSince: async (_seq: number): Promise<ChangesSince | null> => null,
    chunksOf: async (_uid: string): Promise<ChunkRecord[]> => [],
    onLost: () => {},
    estimate: async () => ({ usage: null, quota: null, persisted: false, backend: 'memory' }),
    persist: async () => false,
    putCollection: async (_record: CollectionRecord) => {},
    deleteCollection: async (_uid: string) => {},
    append: async (_record: LogRecord) => {},
    compact: async (_snapshot: CompactionSnapshot) => {},
    close: () => {},
  };
}
