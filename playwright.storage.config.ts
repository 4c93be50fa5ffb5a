import { defineConfig } from '@playwright/test';

// Storage end-to-end tests (crash safety, several tabs). They start their own Vite dev server
// (to serve test/storage/pages) and, for the crash test, their own Chromium processes to kill.
export default defineConfig({
  testDir: 'test/storage',
  outputDir: 'test-results/storage',
  timeout: 300_000,
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: !!process.env.CI,
  reporter: 'list',
});
