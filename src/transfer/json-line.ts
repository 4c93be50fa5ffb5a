/**
 * Parsing one JSONL point so that its `id` keeps its exact value: `JSON.parse` turns integers
 * above 2^53 into the nearest double, and Qdrant ids go up to 2^64 − 1. Lines whose top-level
 * `id` parses to an unsafe integer are read again for the id's source text:
 * - with `JSON.parse`'s reviver, where the runtime hands it the source text of numbers
 *   (the JSON.parse source text access proposal: Chromium, Node ≥ 21);
 * - otherwise by scanning the line for the top-level `"id"` member (the text is known to be
 *   valid JSON by then, so the scanner only needs to skip values, not to validate them).
 * A line whose payload holds an integer beyond 2^53 is read again with the REST facade's exact
 * parser, and its payload taken from there (integers within ±2^63 / u64 as BigInt, as the engine
 * keeps them). Vectors are always what `JSON.parse` gives: they become f32.
 */
import { integerIdOfDigits } from './point-id';
import { reviverHasSource } from '../engine/json';
import { parseJsonBody } from '../rest/json';

export { reviverHasSource };

/** Options of {@link parseJsonLine}. */
export interface ParseLineOptions {
  /** Use the scanner even where the reviver gets source text (for tests). */
  portable?: boolean;
}


/**
 * Parses a line of JSON. When the result is an object whose `id` is an integer beyond 2^53,
 * the id becomes the exact integer (a bigint; `undefined`-free: ids past u64 or written with a
 * fraction or exponent stay numbers and fail id validation later). Throws SyntaxError like
 * `JSON.parse`.
 */
export function parseJsonLine(text: string, options: ParseLineOptions = {}): unknown {
  const value: unknown = JSON.parse(text);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const record = value as Record<string, unknown>;
  if (hasUnsafeInteger(record.payload)) {
    // Nesting is not limited here (the engine's payload rules judge the payload afterwards).
    const exact = parseJsonBody(text, { maxDepth: Infinity, portable: options.portable }) as Record<string, unknown>;
    record.payload = exact.payload;
  }
  if (typeof record.id !== 'number' || Number.isSafeInteger(record.id)) return value;
  const source = !options.portable && reviverHasSource() ? idSourceByReviver(text) : scanTopLevelId(text);
  if (source !== undefined && /^[0-9]+$/.test(source)) {
    const exact = integerIdOfDigits(source);
    if (exact !== undefined) record.id = exact;
  }
  return value;
}

/** Whether a parsed JSON value holds an integer-valued number beyond ±(2^53 − 1) anywhere (no recursion). */
function hasUnsafeInteger(value: unknown): boolean {
  const stack = [value];
  while (stack.length > 0) {
    const item = stack.pop();
    if (typeof item === 'number') {
      if (Number.isInteger(item) && !Number.isSafeInteger(item)) return true;
    } else if (Array.isArray(item)) {
      for (const child of item) stack.push(child);
    } else if (item !== null && typeof item === 'object') {
      for (const key of Object.keys(item)) stack.push((item as Record<string, unknown>)[key]);
    }
  }
  return false;
}

/** The source text of the top-level `id`, read with a reviver that gets source text. */
function idSourceByReviver(text: string): string | undefined {
  const sources = new Map<object, string>();
  const root: unknown = JSON.parse(text, function (this: object, key: string, value: unknown, context?: { source?: string }) {
    if (key === 'id' && typeof value === 'number' && context?.source !== undefined) sources.set(this, context.source);
    return value;
  });
  return typeof root === 'object' && root !== null ? sources.get(root) : undefined;
}

const WHITESPACE = /[ \t\n\r]*/y;
const STRING = /"[^"\\]*(?:\\.[^"\\]*)*"/y;
const SCALAR = /[^,\]} \t\n\r]*/y;

function skipWhitespace(text: string, at: number): number {
  WHITESPACE.lastIndex = at;
  WHITESPACE.test(text);
  return WHITESPACE.lastIndex;
}

function stringEnd(text: string, at: number): number {
  STRING.lastIndex = at;
  if (!STRING.test(text)) throw new SyntaxError(`unterminated string at ${at}`);
  return STRING.lastIndex;
}

/** The end of the JSON value starting at `at` (valid JSON assumed). */
function valueEnd(text: string, at: number): number {
  const c = text[at];
  if (c === '"') return stringEnd(text, at);
  if (c === '{' || c === '[') {
    let depth = 0;
    let i = at;
    while (i < text.length) {
      const ch = text[i];
      if (ch === '"') {
        i = stringEnd(text, i);
        continue;
      }
      if (ch === '{' || ch === '[') depth++;
      else if (ch === '}' || ch === ']') {
        depth--;
        if (depth === 0) return i + 1;
      }
      i++;
    }
    throw new SyntaxError('unbalanced brackets');
  }
  SCALAR.lastIndex = at;
  SCALAR.test(text);
  return SCALAR.lastIndex;
}

/**
 * The source text of the top-level `"id"` member of a JSON object text (the last one, as
 * `JSON.parse` keeps the last of duplicate keys; escaped spellings of the key count), or
 * undefined if there is none. The text must be valid JSON.
 */
export function scanTopLevelId(text: string): string | undefined {
  let i = skipWhitespace(text, 0);
  if (text[i] !== '{') return undefined;
  i = skipWhitespace(text, i + 1);
  let found: string | undefined;
  while (i < text.length && text[i] !== '}') {
    const keyEnd = stringEnd(text, i);
    const key = JSON.parse(text.slice(i, keyEnd)) as string;
    i = skipWhitespace(text, keyEnd);
    i = skipWhitespace(text, i + 1); // the ':'
    const end = valueEnd(text, i);
    if (key === 'id') found = text.slice(i, end);
    i = skipWhitespace(text, end);
    if (text[i] === ',') i = skipWhitespace(text, i + 1);
  }
  return found;
}
