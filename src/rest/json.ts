/**
 * JSON for the REST facade: request bodies are parsed so integers beyond 2^53 keep their exact
 * value (as BigInt, the way the official client sends point ids above 2^53: raw JSON numbers),
 * nesting is bounded, and responses are written with BigInt values as raw JSON integers.
 *
 * Parsing has a fast path and a careful one:
 * - `JSON.parse` first (V8's parser is iterative, so even a million nested brackets cannot
 *   overflow the stack); then the nesting depth of the result is measured without recursion.
 * - Only when the text has a run of 16 or more digits (the shortest integer above 2^53 has 16)
 *   is it parsed a second time to recover exact integers: with `JSON.parse`'s reviver and the
 *   source text of each number where the runtime gives it (Node ≥ 21, Chromium), otherwise with
 *   the small parser below (Node 20). Both run on text already known to be valid and shallow.
 *
 * Objects are built the way `JSON.parse` builds them (CreateDataProperty), so a `"__proto__"`
 * key is an ordinary own property and never a prototype.
 */
import { formatError } from '../engine/errors';
import { reviverHasSource } from '../engine/json';

export { reviverHasSource };

/**
 * Deepest nesting of arrays and objects accepted in a request body: serde_json's limit, which
 * Qdrant inherits (its depth budget of 128 runs out on the 128th level, so 127 is the deepest).
 */
export const MAX_BODY_DEPTH = 127;

/** Options of {@link parseJsonBody}. */
export interface ParseJsonOptions {
  /** Deepest nesting accepted (default {@link MAX_BODY_DEPTH}). */
  maxDepth?: number;
  /** Force the portable parser even where the reviver gets source text (tests). */
  portable?: boolean;
}

/**
 * Parses a request body. Integers written without a fraction or exponent that are outside
 * ±(2^53 − 1) but inside the i64/u64 range become BigInt (serde_json, which Qdrant uses, keeps
 * exactly those exact; larger ones become doubles there too); everything else is what
 * `JSON.parse` returns. Throws Qdrant's 400
 * `Format error in JSON body: …` for invalid JSON or nesting deeper than `maxDepth`.
 */
export function parseJsonBody(text: string, options: ParseJsonOptions = {}): unknown {
  const maxDepth = options.maxDepth ?? MAX_BODY_DEPTH;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw formatError(error instanceof Error ? error.message : String(error));
  }
  const depth = nestingDepth(value, maxDepth);
  if (depth > maxDepth) throw formatError(`recursion limit exceeded: more than ${maxDepth} nested arrays or objects`);
  if (!/\d{16}/.test(text)) return value;
  return !options.portable && reviverHasSource() ? JSON.parse(text, exactIntegerReviver) : parseExact(text);
}

/**
 * Nesting depth of a parsed JSON value (a scalar is 0, `[]` is 1), measured with an explicit
 * stack; stops counting once past `limit`.
 */
export function nestingDepth(value: unknown, limit = Infinity): number {
  let max = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [item, depth] = stack.pop()!;
    if (item === null || typeof item !== 'object') continue;
    const here = depth + 1;
    if (here > max) {
      max = here;
      if (max > limit) return max;
    }
    if (Array.isArray(item)) {
      for (const child of item) if (child !== null && typeof child === 'object') stack.push([child, here]);
    } else {
      for (const key of Object.keys(item)) {
        const child = (item as Record<string, unknown>)[key];
        if (child !== null && typeof child === 'object') stack.push([child, here]);
      }
    }
  }
  return max;
}


const INTEGER_TEXT = /^-?\d+$/;
const I64_MIN = -(2n ** 63n);
const U64_MAX = 2n ** 64n - 1n;

/** The exact value of an integer literal beyond the safe range, as BigInt when it fits i64/u64; else the double. */
function exactInteger(text: string, double: number): number | bigint {
  const exact = BigInt(text);
  return exact >= I64_MIN && exact <= U64_MAX ? exact : double;
}

function exactIntegerReviver(this: unknown, _key: string, value: unknown, context?: { source?: string }): unknown {
  if (typeof value === 'number' && !Number.isSafeInteger(value) && context?.source !== undefined && INTEGER_TEXT.test(context.source)) {
    return exactInteger(context.source, value);
  }
  return value;
}

// ---- the portable parser (valid, depth-checked input only) -------------------------------------

const STRING = /"(?:[^"\\]|\\.)*"/y;
const NUMBER = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;
const WHITESPACE = /[ \t\n\r]*/y;

/**
 * Parses JSON text that `JSON.parse` has already accepted, turning integers beyond the safe
 * range into BigInt. Recursive, which is safe because the caller bounded the depth.
 */
export function parseExact(text: string): unknown {
  let pos = 0;
  const skip = (): void => {
    WHITESPACE.lastIndex = pos;
    WHITESPACE.exec(text);
    pos = WHITESPACE.lastIndex;
  };
  const fail = (): never => {
    throw formatError(`unexpected input at position ${pos}`);
  };
  const string = (): string => {
    STRING.lastIndex = pos;
    const match = STRING.exec(text);
    if (!match) return fail();
    pos = STRING.lastIndex;
    return JSON.parse(match[0]) as string;
  };
  const value = (): unknown => {
    skip();
    const c = text.charCodeAt(pos);
    if (c === 0x22 /* " */) return string();
    if (c === 0x7b /* { */) {
      pos++;
      const out: Record<string, unknown> = {};
      skip();
      if (text.charCodeAt(pos) === 0x7d /* } */) {
        pos++;
        return out;
      }
      for (;;) {
        skip();
        const key = string();
        skip();
        if (text.charCodeAt(pos) !== 0x3a /* : */) fail();
        pos++;
        // CreateDataProperty, as JSON.parse: "__proto__" stays an own key; a repeated key keeps the last value.
        Object.defineProperty(out, key, { value: value(), enumerable: true, writable: true, configurable: true });
        skip();
        const next = text.charCodeAt(pos++);
        if (next === 0x7d /* } */) return out;
        if (next !== 0x2c /* , */) fail();
      }
    }
    if (c === 0x5b /* [ */) {
      pos++;
      const out: unknown[] = [];
      skip();
      if (text.charCodeAt(pos) === 0x5d /* ] */) {
        pos++;
        return out;
      }
      for (;;) {
        out.push(value());
        skip();
        const next = text.charCodeAt(pos++);
        if (next === 0x5d /* ] */) return out;
        if (next !== 0x2c /* , */) fail();
      }
    }
    if (text.startsWith('true', pos)) {
      pos += 4;
      return true;
    }
    if (text.startsWith('false', pos)) {
      pos += 5;
      return false;
    }
    if (text.startsWith('null', pos)) {
      pos += 4;
      return null;
    }
    NUMBER.lastIndex = pos;
    const match = NUMBER.exec(text);
    if (!match || match[0].length === 0) return fail();
    pos = NUMBER.lastIndex;
    const n = Number(match[0]);
    if (match[1] === undefined && match[2] === undefined && !Number.isSafeInteger(n)) return exactInteger(match[0], n);
    return n;
  };
  const result = value();
  skip();
  if (pos !== text.length) fail();
  return result;
}

// ---- writing -----------------------------------------------------------------------------------

/**
 * `JSON.stringify`, except that BigInt values are written as raw JSON integers (how Qdrant writes
 * u64 ids, and what the official client's reviver reads back as BigInt). The native path is
 * tried first; only a value holding a BigInt takes the slower writer.
 */
export function stringifyJson(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    const out: string[] = [];
    write(value, out, 0, false);
    return out.join('');
  }
}

/**
 * {@link stringifyJson} for data that must read back exactly with {@link parseJsonBody} (export
 * files): besides BigInts as raw integers, a double that is a whole number beyond 2^53 is written
 * with an exponent (`1e+18`), so it reads back as a number and not as a BigInt, and −0 as `-0.0`.
 */
export function stringifyJsonExact(value: unknown): string {
  const out: string[] = [];
  write(value, out, 0, true);
  return out.join('');
}

/** Deepest structure the BigInt-aware writer follows (anything deeper is a cycle or a bug). */
const MAX_WRITE_DEPTH = 1000;

function write(value: unknown, out: string[], depth: number, exact: boolean): boolean {
  if (depth > MAX_WRITE_DEPTH) throw new TypeError('stringifyJson: structure too deep (cyclic?)');
  if (value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    value = (value as { toJSON: () => unknown }).toJSON();
  }
  switch (typeof value) {
    case 'bigint':
      out.push(value.toString());
      return true;
    case 'number':
      if (!Number.isFinite(value)) out.push('null');
      else if (exact && Object.is(value, -0)) out.push('-0.0');
      else if (exact && Number.isInteger(value) && !Number.isSafeInteger(value)) out.push(value.toExponential());
      else out.push(JSON.stringify(value));
      return true;
    case 'string':
      out.push(JSON.stringify(value));
      return true;
    case 'boolean':
      out.push(value ? 'true' : 'false');
      return true;
    case 'object':
      if (value === null) {
        out.push('null');
        return true;
      }
      if (Array.isArray(value)) {
        out.push('[');
        value.forEach((item, i) => {
          if (i > 0) out.push(',');
          if (!write(item, out, depth + 1, exact)) out.push('null');
        });
        out.push(']');
        return true;
      }
      out.push('{');
      {
        let first = true;
        for (const key of Object.keys(value)) {
          const item = (value as Record<string, unknown>)[key];
          if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue;
          out.push(first ? '' : ',', JSON.stringify(key), ':');
          first = false;
          write(item, out, depth + 1, exact);
        }
      }
      out.push('}');
      return true;
    default:
      return false; // undefined, functions, symbols: left out (or null inside arrays), as JSON.stringify does
  }
}
