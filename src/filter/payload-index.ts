/**
 * Payload indexes (API.md §10): per indexed field, the slots holding each value, kept current on
 * every payload change. They answer a condition with a SUPERSET of the matching slots — the
 * whole filter is still checked on each candidate — so an index changes how fast a filter runs,
 * never what it returns. The one exception is by design: a `text` index makes `match.text`,
 * `text_any` and `phrase` compare tokens instead of substrings, as Qdrant does.
 */
import { datetimeToMicros, parseDatetime } from './datetime';
import type { TextIndexLookup } from './evaluate';
import { formatJsonPath, parseJsonPath, valuesAt, type JsonPath } from './json-path';
import { asF64, canonicalInteger } from './numbers';
import { parseUuid } from '../engine/ids';
import type { Condition, FieldCondition, Filter, FilterInteger } from './types';

/** Index types Qdrant accepts. */
export type PayloadIndexType = 'keyword' | 'integer' | 'float' | 'geo' | 'text' | 'bool' | 'datetime' | 'uuid';

/** Text index options that change tokenisation (API.md §10). */
interface TextOptions {
  tokenizer: string;
  lowercase: boolean;
  minTokenLen: number;
  maxTokenLen: number;
  phraseMatching: boolean;
}

/** The index of one payload field. */
export class PayloadIndex {
  readonly field: string;
  readonly path: JsonPath;
  readonly type: PayloadIndexType;
  private readonly slotsByKey = new Map<string, Set<number>>();
  private readonly keysBySlot = new Map<number, string[]>();
  private readonly numberBySlot = new Map<number, number[]>();
  private sortedNumbers: { value: number; slot: number }[] | null = null;
  private readonly text: TextOptions | undefined;
  /** Slots with a value Qdrant's index of this type would hold (whole numbers, real UUIDs, valid GeoPoints, …). */
  private readonly counted = new Set<number>();

  /** Creates an empty index of `field` (a JSON path) of a type, with the params object if one was given. */
  constructor(field: string, type: PayloadIndexType, params?: Record<string, unknown>) {
    this.field = field;
    this.path = parseJsonPath(field, 'field_name');
    this.type = type;
    if (type === 'text') {
      this.text = {
        tokenizer: typeof params?.tokenizer === 'string' ? params.tokenizer : 'word',
        lowercase: params?.lowercase !== false,
        minTokenLen: tokenLength(params?.min_token_len) ?? 1,
        maxTokenLen: tokenLength(params?.max_token_len) ?? Infinity,
        phraseMatching: params?.phrase_matching === true,
      };
    }
  }

  /** Number of points with at least one value the index holds (`payload_schema[field].points`). */
  get points(): number {
    return this.counted.size;
  }

  /** Records the payload a slot now holds (null: none, e.g. the point was deleted). */
  set(slot: number, payload: Record<string, unknown> | null): void {
    this.remove(slot);
    if (!payload) return;
    const keys: string[] = [];
    const numbers: number[] = [];
    let countable = false;
    for (const found of valuesAt(payload, this.path)) {
      for (const value of Array.isArray(found) ? found : [found]) {
        this.extract(value, keys, numbers);
        countable ||= this.holds(value);
      }
    }
    if (countable) this.counted.add(slot);
    if (keys.length) {
      this.keysBySlot.set(slot, keys);
      for (const key of keys) {
        let slots = this.slotsByKey.get(key);
        if (!slots) this.slotsByKey.set(key, (slots = new Set()));
        slots.add(slot);
      }
    }
    if (numbers.length) {
      this.numberBySlot.set(slot, numbers);
      this.sortedNumbers = null;
    }
  }

  private remove(slot: number): void {
    for (const key of this.keysBySlot.get(slot) ?? []) {
      const slots = this.slotsByKey.get(key)!;
      slots.delete(slot);
      if (slots.size === 0) this.slotsByKey.delete(key);
    }
    this.keysBySlot.delete(slot);
    if (this.numberBySlot.delete(slot)) this.sortedNumbers = null;
    this.counted.delete(slot);
  }

  /**
   * Whether Qdrant's index of this type holds a value (what `points` counts). Candidate lookups
   * stay wider than this (every number for an integer index, every string for a uuid one), so an
   * index never changes a filter's result.
   */
  private holds(value: unknown): boolean {
    switch (this.type) {
      case 'integer':
        return canonicalInteger(value) !== undefined;
      case 'uuid':
        return typeof value === 'string' && parseUuid(value) !== undefined;
      case 'geo': {
        if (!value || typeof value !== 'object') return false;
        const { lat, lon } = value as { lat?: unknown; lon?: unknown };
        return typeof lat === 'number' && typeof lon === 'number' && Math.abs(lat) <= 90 && Math.abs(lon) <= 180;
      }
      case 'keyword':
      case 'text':
        return typeof value === 'string';
      case 'bool':
        return typeof value === 'boolean';
      case 'float': {
        const number = asF64(value);
        return number !== undefined && Number.isFinite(number);
      }
      case 'datetime':
        return typeof value === 'string' && parseDatetime(value) !== undefined;
    }
  }

  private extract(value: unknown, keys: string[], numbers: number[]): void {
    switch (this.type) {
      case 'keyword':
        if (typeof value === 'string') keys.push(`s:${value}`);
        break;
      case 'integer': {
        const number = asF64(value);
        if (number !== undefined && Number.isFinite(number)) {
          const integer = canonicalInteger(value);
          if (integer !== undefined) keys.push(`i:${integer}`);
          numbers.push(number); // ranges compare every number, integer or not
        }
        break;
      }
      case 'float': {
        const number = asF64(value);
        if (number !== undefined && Number.isFinite(number)) numbers.push(number);
        break;
      }
      case 'bool':
        if (typeof value === 'boolean') keys.push(`b:${value}`);
        break;
      case 'uuid':
        if (typeof value === 'string') keys.push(`s:${value}`);
        break;
      case 'datetime': {
        const parsed = typeof value === 'string' ? parseDatetime(value) : undefined;
        if (parsed) numbers.push(datetimeToMicros(parsed));
        break;
      }
      case 'text':
        if (typeof value === 'string') keys.push('t'); // counted for payload_schema; matching goes through tokens
        break;
      case 'geo':
        if (value && typeof value === 'object' && typeof (value as { lat?: unknown }).lat === 'number') keys.push('g');
        break;
    }
  }

  /** Slots that may satisfy the condition, or undefined when this index cannot narrow it. */
  candidates(condition: FieldCondition): Set<number> | undefined {
    if (condition.valuesCount || condition.isEmpty !== undefined || condition.isNull !== undefined) return undefined;
    const predicates = [condition.match, condition.range, condition.geoBoundingBox, condition.geoRadius, condition.geoPolygon].filter(Boolean);
    if (predicates.length !== 1) return undefined; // several predicates are ORed: do not narrow
    if (condition.match) {
      const match = condition.match;
      if (match.kind === 'value') return this.union([this.keyOf(match.value)]);
      if (match.kind === 'any') {
        const values: (string | FilterInteger)[] = 'strings' in match.values ? match.values.strings : match.values.integers;
        return this.union(values.map((v) => this.keyOf(v)));
      }
      return undefined;
    }
    if (condition.range && (this.type === 'integer' || this.type === 'float' || this.type === 'datetime')) {
      const range = condition.range;
      if ((range.kind === 'datetime') !== (this.type === 'datetime')) return undefined;
      const bound = (b: unknown) => (b === undefined ? undefined : typeof b === 'number' ? b : datetimeToMicros(b as never));
      // Datetimes are indexed to the microsecond: widen by one so the candidates stay a superset.
      const slack = range.kind === 'datetime' ? 1 : 0;
      const low = bound(range.gte ?? range.gt);
      const high = bound(range.lte ?? range.lt);
      return this.numbersBetween(low === undefined ? -Infinity : low - slack, high === undefined ? Infinity : high + slack);
    }
    return undefined;
  }

  private keyOf(value: string | FilterInteger | boolean): string | undefined {
    if (this.type === 'keyword' && typeof value === 'string') return `s:${value}`;
    if (this.type === 'uuid' && typeof value === 'string') return `s:${value}`;
    if (this.type === 'integer' && (typeof value === 'number' || typeof value === 'bigint')) return `i:${value}`;
    if (this.type === 'bool' && typeof value === 'boolean') return `b:${value}`;
    return undefined;
  }

  private union(keys: (string | undefined)[]): Set<number> | undefined {
    if (keys.some((k) => k === undefined)) return undefined; // a value of another type: cannot narrow
    const out = new Set<number>();
    for (const key of keys) for (const slot of this.slotsByKey.get(key!) ?? []) out.add(slot);
    return out;
  }

  private numbersBetween(low: number, high: number): Set<number> {
    if (!this.sortedNumbers) {
      this.sortedNumbers = [];
      for (const [slot, values] of this.numberBySlot) for (const value of values) this.sortedNumbers.push({ value, slot });
      this.sortedNumbers.sort((a, b) => a.value - b.value);
    }
    const list = this.sortedNumbers;
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (list[mid].value < low) lo = mid + 1;
      else hi = mid;
    }
    const out = new Set<number>();
    for (let i = lo; i < list.length && list[i].value <= high; i++) out.add(list[i].slot);
    return out;
  }

  /** Token matching for a text index, or undefined for other types. */
  textMatcher(kind: 'text' | 'text_any' | 'phrase', query: string): ((stored: string) => boolean) | undefined {
    const options = this.text;
    if (!options) return undefined;
    if (kind === 'phrase' && !options.phraseMatching) return undefined; // without phrase_matching: substring, as without an index
    if (options.tokenizer === 'prefix') return this.prefixMatcher(kind, query);
    // A phrase is tokenized as a stored text is.
    const wanted = kind === 'phrase' ? this.tokens(query) : this.queryTokens(query);
    // A query with no token (only punctuation, say) matches nothing, as in Qdrant.
    if (wanted.length === 0) return () => false;
    if (kind === 'text') return (stored) => { const have = new Set(this.tokens(stored)); return wanted.every((t) => have.has(t)); };
    if (kind === 'text_any') return (stored) => { const have = new Set(this.tokens(stored)); return wanted.some((t) => have.has(t)); };
    return (stored) => {
      const have = this.tokens(stored);
      outer: for (let i = 0; i + wanted.length <= have.length; i++) {
        for (let j = 0; j < wanted.length; j++) if (have[i + j] !== wanted[j]) continue outer;
        return true;
      }
      return false;
    };
  }

  /**
   * Matching for a `prefix` index without listing every prefix (a long word would cost the square
   * of its length on every query). A query word (cut to `max_token_len` characters) is among a
   * stored text's tokens exactly when a stored word of at least `min_token_len` characters starts
   * with it. A phrase, tokenized as a stored text, matches consecutive stored words: every phrase
   * word but the last equals its stored word (both cut to `max_token_len`), and the last is a
   * prefix of its own — each word's run of prefixes starts with its only `min_token_len`-long one,
   * so the runs line up word by word.
   */
  private prefixMatcher(kind: 'text' | 'text_any' | 'phrase', query: string): (stored: string) => boolean {
    const max = this.text!.maxTokenLen;
    const cut = (word: string): string => (max === Infinity || word.length <= max ? word : Array.from(word).slice(0, max).join(''));
    const wordsOf = (text: string): string[] => this.words(text).filter((word) => this.withinLengths(word, false)).map(cut);
    const wanted = wordsOf(query);
    if (wanted.length === 0) return () => false;
    if (kind === 'text') return (stored) => { const have = wordsOf(stored); return wanted.every((t) => have.some((w) => w.startsWith(t))); };
    if (kind === 'text_any') return (stored) => { const have = wordsOf(stored); return wanted.some((t) => have.some((w) => w.startsWith(t))); };
    const last = wanted.length - 1;
    return (stored) => {
      const have = wordsOf(stored);
      outer: for (let i = 0; i + wanted.length <= have.length; i++) {
        for (let j = 0; j < last; j++) if (have[i + j] !== wanted[j]) continue outer;
        if (have[i + last].startsWith(wanted[last])) return true;
      }
      return false;
    };
  }

  /**
   * The tokens a stored text is indexed under (Qdrant 1.19's tokenizers). `word` and `prefix`
   * split where Rust's `char::is_alphanumeric` is false (Unicode Alphabetic or Numeric),
   * `whitespace` at Unicode White_Space (Rust's `split_whitespace`). Lengths are in characters:
   * `word` and `whitespace` drop tokens shorter than `min_token_len` or longer than
   * `max_token_len`; `prefix` drops words shorter than `min_token_len`, then indexes each word's
   * prefixes from `min_token_len` characters (default 1) up to `max_token_len`, the whole word last.
   */
  tokens(text: string): string[] {
    const options = this.text!;
    const words = this.words(text);
    if (options.tokenizer !== 'prefix') return words.filter((t) => this.withinLengths(t, true));
    const out: string[] = [];
    for (const word of words) {
      if (!this.withinLengths(word, false)) continue;
      const chars = Array.from(word);
      for (let n = options.minTokenLen; n <= options.maxTokenLen; n++) {
        if (n >= chars.length) {
          out.push(word);
          break;
        }
        out.push(chars.slice(0, n).join(''));
      }
    }
    return out;
  }

  /**
   * The tokens of a `text` / `text_any` query: as {@link tokens}, but a `prefix` index looks each
   * word up whole, cut to `max_token_len` characters (words shorter than `min_token_len` are in no
   * document, so they are dropped).
   */
  queryTokens(text: string): string[] {
    const options = this.text!;
    const words = this.words(text);
    if (options.tokenizer !== 'prefix') return words.filter((t) => this.withinLengths(t, true));
    return words.filter((t) => this.withinLengths(t, false)).map((word) => Array.from(word).slice(0, options.maxTokenLen).join(''));
  }

  private words(text: string): string[] {
    const options = this.text!;
    const source = options.lowercase ? text.toLowerCase() : text;
    const parts = options.tokenizer === 'whitespace' ? source.split(/\p{White_Space}+/u) : source.split(/[^\p{Alphabetic}\p{N}]+/u);
    return parts.filter((t) => t.length > 0);
  }

  /** Whether a token has at least `min_token_len` characters and, when `checkMax`, at most `max_token_len`. */
  private withinLengths(token: string, checkMax: boolean): boolean {
    const options = this.text!;
    const chars = Array.from(token).length;
    return chars >= options.minTokenLen && !(checkMax && chars > options.maxTokenLen);
  }
}

/** Builds the text-index hook of `compileFilter` from a collection's indexes. */
export function textIndexLookup(indexes: ReadonlyMap<string, PayloadIndex>): TextIndexLookup | undefined {
  const text = [...indexes.values()].filter((index) => index.type === 'text');
  if (text.length === 0) return undefined;
  const byPath = new Map(text.map((index) => [formatJsonPath(index.path), index]));
  return (field, kind, query) => byPath.get(field)?.textMatcher(kind, query);
}

/**
 * Candidate slots for a filter from its `must` conditions: the intersection of what the payload
 * indexes (and `has_id`) can say; undefined when nothing narrows it (scan every point).
 */
export function filterCandidates(
  filter: Filter,
  indexes: ReadonlyMap<string, PayloadIndex>,
  slotOfKey: (key: string) => number | undefined,
): Set<number> | undefined {
  const byPath = new Map([...indexes.values()].map((index) => [formatJsonPath(index.path), index]));
  return mustCandidates(filter, byPath, slotOfKey);
}

function mustCandidates(filter: Filter, byPath: Map<string, PayloadIndex>, slotOfKey: (key: string) => number | undefined) {
  let result: Set<number> | undefined;
  for (const condition of filter.must ?? []) {
    const set = conditionCandidates(condition, byPath, slotOfKey);
    if (!set) continue;
    if (!result) result = new Set(set);
    else for (const slot of result) if (!set.has(slot)) result.delete(slot);
  }
  return result;
}

function conditionCandidates(
  condition: Condition,
  byPath: Map<string, PayloadIndex>,
  slotOfKey: (key: string) => number | undefined,
): Set<number> | undefined {
  if (condition.type === 'has_id') {
    const slots = new Set<number>();
    for (const key of condition.ids) {
      const slot = slotOfKey(key);
      if (slot !== undefined) slots.add(slot);
    }
    return slots;
  }
  if (condition.type === 'field') return byPath.get(formatJsonPath(condition.key))?.candidates(condition);
  if (condition.type === 'filter') return mustCandidates(condition.filter, byPath, slotOfKey);
  return undefined;
}

/** A token length setting as a number (a BigInt beyond 2^53 is only ever a huge one). */
function tokenLength(value: unknown): number | undefined {
  return typeof value === 'number' ? value : typeof value === 'bigint' ? Number(value) : undefined;
}
