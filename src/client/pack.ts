/**
 * Packs the vectors of a request into one Float32Array so they cross to the worker as one
 * transferred buffer instead of being structured-cloned number by number. Only the places
 * where Qdrant's bodies carry vectors are visited (never payloads), and the caller's objects
 * are not modified: containers on the way are copied.
 */

type Json = Record<string, unknown>;

/**
 * A vector to pack: a non-empty array of numbers, or a Float32Array / Float64Array (a view of a
 * larger buffer would otherwise be cloned with its whole buffer).
 */
function isNumberArray(value: unknown): value is ArrayLike<number> {
  if (value instanceof Float32Array || value instanceof Float64Array) return value.length > 0;
  if (!Array.isArray(value) || value.length === 0) return false;
  for (const x of value) if (typeof x !== 'number') return false;
  return true;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !ArrayBuffer.isView(value);
}

/** Collects vectors while a copy of the body is built, then fills them into one buffer. */
class Packer {
  private readonly slots: { vector: ArrayLike<number>; assign: (view: Float32Array) => void }[] = [];
  private total = 0;

  /** A vector (number[]) or a map of named vectors at this place. */
  vectorStruct(value: unknown, assign: (packed: unknown) => void): void {
    if (isNumberArray(value)) this.vector(value, assign);
    else if (isObject(value)) {
      const copy: Json = { ...value };
      for (const name of Object.keys(copy)) {
        if (isNumberArray(copy[name])) this.vector(copy[name] as ArrayLike<number>, (v) => Object.defineProperty(copy, name, { value: v, enumerable: true, writable: true, configurable: true }));
      }
      assign(copy);
    }
  }

  /** A list of vectors, or a map of named lists (the columnar `batch.vectors`). */
  vectorColumns(value: unknown, assign: (packed: unknown) => void): void {
    const column = (list: unknown[], done: (packed: unknown[]) => void): void => {
      const copy = [...list];
      copy.forEach((v, i) => {
        if (isNumberArray(v)) this.vector(v, (view) => (copy[i] = view));
      });
      done(copy);
    };
    if (Array.isArray(value)) column(value, assign);
    else if (isObject(value)) {
      const copy: Json = { ...value };
      for (const name of Object.keys(copy)) {
        const list = copy[name];
        if (Array.isArray(list)) column(list, (packed) => Object.defineProperty(copy, name, { value: packed, enumerable: true, writable: true, configurable: true }));
      }
      assign(copy);
    }
  }

  private vector(vector: ArrayLike<number>, assign: (view: Float32Array) => void): void {
    this.slots.push({ vector, assign });
    this.total += vector.length;
  }

  /** Allocates the buffer, fills it, and puts a view of it in every collected place. */
  finish(): ArrayBuffer[] {
    if (this.slots.length === 0) return [];
    const buffer = new Float32Array(this.total);
    let offset = 0;
    for (const { vector, assign } of this.slots) {
      buffer.set(vector, offset);
      assign(buffer.subarray(offset, offset + vector.length));
      offset += vector.length;
    }
    return [buffer.buffer];
  }
}

function packInsert(body: unknown, packer: Packer): unknown {
  if (!isObject(body)) return body;
  const copy: Json = { ...body };
  if (Array.isArray(copy.points)) {
    copy.points = copy.points.map((point) => {
      if (!isObject(point)) return point;
      const p: Json = { ...point };
      const field = p.vector !== undefined ? 'vector' : 'vectors';
      packer.vectorStruct(p[field], (v) => (p[field] = v));
      return p;
    });
  } else if (isObject(copy.batch)) {
    const batch: Json = { ...copy.batch };
    packer.vectorColumns(batch.vectors, (v) => (batch.vectors = v));
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
  if (isNumberArray(copy.query)) packer.vectorStruct(copy.query, (v) => (copy.query = v));
  else if (isObject(copy.query) && isNumberArray(copy.query.nearest)) {
    const query: Json = { ...copy.query };
    packer.vectorStruct(query.nearest, (v) => (query.nearest = v));
    copy.query = query;
  }
  return { body: copy, transfer: packer.finish() };
}
