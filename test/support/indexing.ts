// Waiting for a collection's background IVF build through the public API: poll getCollection
// until Qdrant's status says the optimizers are idle ("green"). No timing: it yields one
// macrotask between polls (the build runs one step per macrotask) and gives up after a number
// of polls, not after a duration.
import type { VecliteClient } from '../../src/index';

/** Resolves once `collection` reports status "green"; returns how many polls saw "yellow". */
export async function untilGreen(store: VecliteClient, collection: string, maxPolls = 1_000_000): Promise<number> {
  for (let polls = 0; polls < maxPolls; polls++) {
    const info = await store.getCollection(collection);
    if (info.status === 'green') return polls;
    if (info.status === 'red') throw new Error(`collection ${collection} is red: ${JSON.stringify(info.optimizer_status)}`);
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  throw new Error(`collection ${collection} was still not green after ${maxPolls} polls`);
}
