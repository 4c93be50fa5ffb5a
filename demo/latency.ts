/**
 * Query latencies, as the page sees them (the `store.query` call: message to the engine's worker,
 * scan, reply): the last 50 are kept and drawn as a sparkline on every canvas registered.
 */
import { formatMs } from './dom';

export interface LatencySample {
  ms: number;
  collection: string;
}

const KEEP = 50;
const samples: LatencySample[] = [];
const listeners = new Set<() => void>();

/** Colours of the dots, per collection (others get the neutral one). */
export const COLLECTION_COLOURS: Record<string, string> = {
  wordnet: '#3056d3',
  mnist: '#c2410c',
  demo: '#1f7a4d',
};
const OTHER = '#5f6b7c';

/** Records one query's latency and redraws. */
export function recordLatency(ms: number, collection: string): void {
  samples.push({ ms, collection });
  if (samples.length > KEEP) samples.splice(0, samples.length - KEEP);
  for (const listener of listeners) listener();
}

/** The samples kept (oldest first). */
export function latencySamples(): readonly LatencySample[] {
  return samples;
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return 0;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[index];
}

/** "last 1.2 ms · median 0.9 ms · p95 3.1 ms (23 queries)" */
export function latencySummary(): string {
  if (samples.length === 0) return 'No queries yet.';
  const sorted = samples.map((s) => s.ms).sort((a, b) => a - b);
  const last = samples[samples.length - 1].ms;
  return `last ${formatMs(last)} · median ${formatMs(quantile(sorted, 0.5))} · p95 ${formatMs(quantile(sorted, 0.95))} (${samples.length} ${samples.length === 1 ? 'query' : 'queries'})`;
}

/** Draws the samples into a canvas sized by CSS (device-pixel sharp). */
export function drawSparkline(canvas: HTMLCanvasElement): void {
  const dpr = window.devicePixelRatio || 1;
  const width = Math.max(1, Math.round(canvas.clientWidth || 240));
  const height = Math.max(1, Math.round(canvas.clientHeight || 48));
  if (canvas.width !== width * dpr || canvas.height !== height * dpr) {
    canvas.width = width * dpr;
    canvas.height = height * dpr;
  }
  const context = canvas.getContext('2d');
  if (!context) return;
  context.setTransform(dpr, 0, 0, dpr, 0, 0);
  context.clearRect(0, 0, width, height);
  canvas.dataset.samples = String(samples.length);
  const pad = 4;
  context.strokeStyle = '#dde2ea';
  context.lineWidth = 1;
  context.beginPath();
  context.moveTo(pad, height - pad + 0.5);
  context.lineTo(width - pad, height - pad + 0.5);
  context.stroke();
  if (samples.length === 0) return;
  const max = Math.max(...samples.map((s) => s.ms)) * 1.1 || 1;
  const x = (i: number): number => pad + (samples.length === 1 ? (width - 2 * pad) / 2 : (i * (width - 2 * pad)) / (KEEP - 1));
  const y = (ms: number): number => height - pad - (ms / max) * (height - 2 * pad);
  context.strokeStyle = '#8aa0e6';
  context.lineWidth = 1.5;
  context.lineJoin = 'round';
  context.beginPath();
  samples.forEach((s, i) => (i === 0 ? context.moveTo(x(i), y(s.ms)) : context.lineTo(x(i), y(s.ms))));
  context.stroke();
  samples.forEach((s, i) => {
    context.fillStyle = COLLECTION_COLOURS[s.collection] ?? OTHER;
    context.beginPath();
    context.arc(x(i), y(s.ms), i === samples.length - 1 ? 3 : 2, 0, Math.PI * 2);
    context.fill();
  });
  context.fillStyle = '#5f6b7c';
  context.font = '10px system-ui, sans-serif';
  context.textBaseline = 'top';
  context.textAlign = 'right';
  context.fillText(formatMs(max / 1.1), width - pad, 1);
}

/** Calls `listener` after every new sample. */
export function onLatency(listener: () => void): void {
  listeners.add(listener);
}
