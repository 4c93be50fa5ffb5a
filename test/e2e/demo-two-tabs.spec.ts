/**
 * Two tabs of the demo opened together on a first visit (a restored session, a link opened
 * twice). One tab fetches and inserts the data set while the other says it is waiting, then finds
 * it complete in IndexedDB. Before the demo took a lock around its first load, both fetched, and
 * the second deleted the first one's still-incomplete collection under it: one tab then showed
 * an error.
 */
import { expect, test } from '@playwright/test';

test('two tabs on a first visit: one loads the digits, the other waits and reads them from IndexedDB', async ({ context }) => {
  const first = await context.newPage();
  const second = await context.newPage();
  // The second tab starts once the first holds the load (it is fetching or inserting).
  await first.goto('/#digits');
  await expect(first.getByTestId('digits-dataset')).toHaveAttribute('data-state', /fetching|inserting/, { timeout: 60_000 });
  await second.goto('/#digits');
  await expect(second.getByTestId('digits-dataset')).toHaveAttribute('data-state', 'waiting');
  await expect(second.getByTestId('digits-dataset-text')).toContainText('another tab is loading');

  for (const page of [first, second]) {
    await expect(page.getByTestId('digits-dataset')).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
    await expect(page.getByTestId('panel-digits')).toHaveAttribute('data-ready', 'true');
  }
  await expect(first.getByTestId('digits-dataset')).toHaveAttribute('data-source', 'inserted');
  await expect(second.getByTestId('digits-dataset')).toHaveAttribute('data-source', 'indexeddb');
  const inserted = await first.getByTestId('digits-dataset').getAttribute('data-count');
  expect(Number(inserted)).toBeGreaterThan(0);
  await expect(second.getByTestId('digits-dataset')).toHaveAttribute('data-count', inserted!);
});
