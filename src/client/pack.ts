/**
 * Packs the vectors of a request into one Float32Array so they cross to the worker as one
 * transferred buffer instead of being structured-cloned number by number. Only the places
 * where Qdrant's bodies carry vectors are visited (never payloads), and the caller's objects
 * are not modified: containers on the way are copied.
 */

type Json = Record<string, unknown>;

/**
 * A vector that may be packed: a non-empty array (its elements are checked while it is copied),
 * or a Float32Array / Float64Array (a view of a larger buffer would otherwise be cloned with its
 * whole buffer).
 */
function isCandidate(value: unknown): value is ArrayLike<unknown> {
  if (value instanceof Float32Array || value instanceof Float64Array) return value.length > 0;
  return Array.isArray(value) && value.length > 0;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !ArrayBuffer.isView(value);
}

/** Sets an own data property (a `__proto__` key stays a key). */
function defineKey(object: Json, key: string, value: unknown): void {
  Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * Collects vectors while a copy of the body is built, then fills them into one buffer. Each
 * vector is remembered with the container and key it goes back into (no closure per vector).
 */
class Packer {
  private readonly vectors: ArrayLike<unknown>[] = [];
  private readonly holders: (unknown[] | Json)[] = [];
  private readonly keys: (number | string)[] = [];
  private total = 0;

  /** A vector or a map of named vectors at `holder[key]` (a copy the packer may write into). */
  vectorStruct(holder: unknown[] | Json, key: number | string): void {
    const value = (holder as Record<string | number, unknown>)[key];
    if (isCandidate(value)) this.vector(value, holder, key);
    else if (isObject(value)) {
      const copy: Json = { ...value };
      for (const name of Object.keys(copy)) if (isCandidate(copy[name])) this.vector(copy[name] as ArrayLike<unknown>, copy, name);
      this.put(holder, key, copy);
    }
  }

  /** A list of vectors, or a map of named lists (the columnar `batch.vectors`), at `holder[key]`. */
  vectorColumns(holder: Json, key: string): void {
    const value = holder[key];
    if (Array.isArray(value)) this.put(holder, key, this.column(value));
    else if (isObject(value)) {
      const copy: Json = { ...value };
      for (const name of Object.keys(copy)) {
        const list = copy[name];
        if (Array.isArray(list)) this.put(copy, name, this.column(list));
      }
      this.put(holder, key, copy);
    }
  }

  private column(list: unknown[]): unknown[] {
    const copy = list.slice();
    for (let i = 0; i < copy.length; i++) if (isCandidate(copy[i])) this.vector(copy[i] as ArrayLike<unknown>, copy, i);
    return copy;
  }

  private put(holder: unknown[] | Json, key: number | string, value: unknown): void {
    // Holders are the packer's own copies; only a `__proto__` key needs defining as data.
    if (key === '__proto__') defineKey(holder as Json, key, value);
    else (holder as Record<string | number, unknown>)[key] = value;
  }

  private vector(vector: ArrayLike<unknown>, holder: unknown[] | Json, key: number | string): void {
    this.vectors.push(vector);
    this.holders.push(holder);
    this.keys.push(key);
    this.total += vector.length;
  }

  /**
   * Allocates the buffer, fills it, and puts a view of it in every collected place. An array
   * with anything but numbers in it is left where it is, unpacked, for the engine to refuse.
   */
  finish(): ArrayBuffer[] {
    const count = this.vectors.length;
    if (count === 0) return [];
    const buffer = new Float32Array(this.total);
    let offset = 0;
    let packed = 0;
    for (let v = 0; v < count; v++) {
      const vector = this.vectors[v];
      const length = vector.length;
      if (Array.isArray(vector)) {
        if (!copyNumbers(vector, buffer, offset)) continue; // not a vector of numbers: sent as it is
      } else {
        buffer.set(vector as Float32Array | Float64Array, offset);
        // NaN, ±Infinity, or a number f32 cannot hold: sent as it is, so the engine's error names
        // the value the caller gave (not the Infinity the f32 copy made of it).
        if (!allFinite(buffer, offset, offset + length)) continue;
      }
      this.put(this.holders[v], this.keys[v], buffer.subarray(offset, offset + length));
      offset += length;
      packed++;
    }
    return packed ? [buffer.buffer] : [];
  }
}

/**
 * Copies an array of numbers into `buffer` at `offset`; false at the first element that is not a
 * number (the rest is not copied). Its own function, so that the loop only ever sees plain
 * arrays and the engine compiles it for them (typed arrays take `set` above).
 */
function copyNumbers(array: readonly unknown[], buffer: Float32Array, offset: number): boolean {
  const length = array.length;
  for (let i = 0; i < length; i++) {
    const x = array[i];
    if (typeof x !== 'number') return false;
    buffer[offset + i] = x;
    // As for typed arrays: a value f32 cannot hold (read back as NaN or ±Infinity) goes unpacked.
    const stored = buffer[offset + i];
    if (stored - stored !== 0) return false;
  }
  return true;
}

/** Whether every number of `data[from, to)` is finite (NaN and ±Infinity are not). */
function allFinite(data: Float32Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (data[i] - data[i] !== 0) return false;
  return true;
}

function packInsert(body: unknown, packer: Packer): unknown {
  if (!isObject(body)) return body;
  const copy: Json = { ...body };
  if (Array.isArray(copy.points)) {
    const points = copy.points.slice();
    for (let i = 0; i < points.length; i++) {
      const point = points[i];
      if (!isObject(point)) continue;
      const p: Json = { ...point };
      packer.vectorStruct(p, p.vector !== undefined ? 'vector' : 'vectors');
      points[i] = p;
    }
    copy.points = points;
  } else if (isObject(copy.batch)) {
    const batch: Json = { ...copy.batch };
    packer.vectorColumns(batch, 'vectors');
    copy.batch = batch;
  }
  return copy;
}

/** Packs an upsert or update-vectors body (`{points}` or `{batch}`); returns the copy and the buffers to transfer. */
export function packUpsert(body: unknown): { body: unknown; transfer: ArrayBuffer[] } {
  const packer = new Packer();
  const packed = packInsert(body, packer);
  return { body: packed, transfer: packer.finish() };
}

/** Packs the upserts and vector updates of a batch-update body. */
export function packBatch(body: unknown): { body: unknown; transfer: ArrayBuffer[] } {
  if (!isObject(body) || !Array.isArray(body.operations)) return { body, transfer: [] };
  const packer = new Packer();
  const operations = body.operations.map((op) => {
    if (isObject(op) && 'upsert' in op) return { ...op, upsert: packInsert(op.upsert, packer) };
    if (isObject(op) && 'update_vectors' in op) return { ...op, update_vectors: packInsert(op.update_vectors, packer) };
    return op;
  });
  return { body: { ...body, operations }, transfer: packer.finish() };
}

/** Packs the query vector of a query body (`query: [...]` or `query: {nearest: [...]}`). */
export function packQuery(body: unknown): { body: unknown; transfer: ArrayBuffer[] } {
  if (!isObject(body)) return { body, transfer: [] };
  const packer = new Packer();
  const copy: Json = { ...body };
  if (isCandidate(copy.query)) packer.vectorStruct(copy, 'query');
  else if (isObject(copy.query) && isCandidate(copy.query.nearest)) {
    const query: Json = { ...copy.query };
    packer.vectorStruct(query, 'nearest');
    copy.query = query;
  }
  return { body: copy, transfer: packer.finish() };
}
