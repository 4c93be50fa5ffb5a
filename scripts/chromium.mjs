// @ts-check
// Debian's Chromium — the only browser this project runs (never a downloaded one) — and the flags
// every launch passes: no GPU, no QUIC, and none of the background traffic a closed network refuses.
// Used by vite.config.ts (Vitest browser project), playwright.config.ts and bench/run.mjs.

/** Path of the Chromium binary; `CHROMIUM_PATH` overrides it. */
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Flags for every Chromium launch. */
export const chromiumArgs = [
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
