/**
 * Page side of the IVF / int8 benchmark (bench/ivf.html): reads the parameters from `?params=`
 * (JSON of IvfBenchParams, written by bench/ivf-node.mjs --browser), runs bench/ivf.ts in the
 * page's main thread and publishes `window.__benchResult` (or `window.__benchError`), logging
 * `[bench]` progress lines.
 */
import { runIvfBench, type IvfBenchParams } from './ivf';

const logElement = document.getElementById('log')!;
function log(line: string): void {
  console.log(`[bench] ${line}`);
  logElement.textContent += `${line}\n`;
}

const target = window as unknown as Record<string, unknown>;
try {
  const raw = new URLSearchParams(location.search).get('params');
  if (!raw) throw new Error('missing ?params= (JSON of IvfBenchParams)');
  const params = JSON.parse(raw) as IvfBenchParams;
  log(`crossOriginIsolated: ${String(globalThis.crossOriginIsolated)} (timer resolution 5 µs when true, 100 µs otherwise)`);
  const result = await runIvfBench(params, log);
  target.__benchResult = { ...result, userAgent: navigator.userAgent };
} catch (error) {
  const message = error instanceof Error ? `${error.message}\n${error.stack ?? ''}` : String(error);
  log(`failed: ${message}`);
  target.__benchError = message;
}
