/** Small DOM helpers shared by the demo's panels (plain DOM, no framework). */
import { QdrantError } from '../src/index';

/** The element `[data-testid=id]` (throws if the page lacks it). */
export function byTestId<T extends HTMLElement = HTMLElement>(id: string, root: ParentNode = document): T {
  const element = root.querySelector<T>(`[data-testid="${id}"]`);
  if (!element) throw new Error(`the page has no element [data-testid="${id}"]`);
  return element;
}

/** Creates an element with optional class, text and data attributes. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  options: { className?: string; text?: string; data?: Record<string, string>; title?: string } = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (options.className) element.className = options.className;
  if (options.text !== undefined) element.textContent = options.text;
  if (options.title) element.title = options.title;
  for (const [key, value] of Object.entries(options.data ?? {})) element.dataset[key] = value;
  element.append(...children);
  return element;
}

/**
 * Puts a Retry button into a panel's data set line (after a failed load); clicking it removes
 * the button and runs `retry`. A second call replaces the first button.
 */
export function offerRetry(container: HTMLElement, testId: string, retry: () => void): void {
  container.querySelector(`[data-testid="${testId}"]`)?.remove();
  const button = el('button', { text: 'Retry', data: { testid: testId } });
  button.type = 'button';
  button.addEventListener('click', () => {
    button.remove();
    retry();
  });
  container.append(button);
}

/** 12,345 */
export const format = (n: number): string => n.toLocaleString('en-US');

/** Milliseconds with a precision that suits their size. */
export function formatMs(ms: number): string {
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms >= 100) return `${ms.toFixed(0)} ms`;
  return `${ms.toFixed(ms >= 10 ? 1 : 2)} ms`;
}

/** 1.2 MB */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value >= 100 ? 0 : 1)} ${units[unit]}`;
}

/** A readable message for anything thrown. */
export function describeError(error: unknown): string {
  if (error instanceof QdrantError) return `Error ${error.status}: ${error.message}${whatToDo(error)}`;
  if (error instanceof Error) return `Error: ${error.message}`;
  if (typeof error === 'object' && error !== null && 'message' in error) return `Error: ${String((error as { message: unknown }).message)}`;
  return `Error: ${String(error)}`;
}

/** Draws a 28×28 grey image (0 = background … 1 = ink, or 0…255 when `scale` is 255) into a canvas. */
export function drawDigit(canvas: HTMLCanvasElement, pixels: ArrayLike<number>, scale = 1): void {
  canvas.width = 28;
  canvas.height = 28;
  const context = canvas.getContext('2d');
  if (!context) return;
  const image = context.createImageData(28, 28);
  for (let i = 0; i < 784; i++) {
    const ink = Math.max(0, Math.min(255, Math.round((pixels[i] / scale) * 255)));
    image.data[i * 4] = ink;
    image.data[i * 4 + 1] = ink;
    image.data[i * 4 + 2] = ink;
    image.data[i * 4 + 3] = 255;
  }
  context.putImageData(image, 0, 0);
}

/** What the user can do about a store error the demo cannot fix by itself. */
function whatToDo(error: QdrantError): string {
  if (error.status === 507) return ' — free space (Synthetic → Reset, or clear this site\'s data) and reload.';
  if (error.status === 500 && error.message.includes("the store's data is gone")) return ' — reload the page to start again with an empty store.';
  return '';
}
