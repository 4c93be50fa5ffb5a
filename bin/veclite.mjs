#!/usr/bin/env node
// The `veclite` command. Plain ESM with no build step of its own: it loads the Node build of
// the library, dist/node/veclite-node.js, which `npm run build` produces (bin/build-node.mjs).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/node/veclite-node.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write(`veclite: ${fileURLToPath(entry)} is missing: run \`npm run build\` in the veclite folder first\n`);
  process.exit(1);
}
const { main } = await import(entry.href);
const code = await main(process.argv.slice(2));
process.exitCode = code;
// Everything is closed by now; should a stray handle keep the event loop alive, do not hang.
setTimeout(() => process.exit(code), 2000).unref();
