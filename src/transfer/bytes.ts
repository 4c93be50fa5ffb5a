/**
 * Byte-level helpers of the transfer formats: UTF-8, CRC-32, little-endian float blocks, the
 * byte pieces of a source (Blob, stream or buffer), and a reader of exact lengths over them.
 */

/** Where an import reads its bytes from. */
export type ByteSource = Blob | ReadableStream<Uint8Array> | ArrayBuffer | ArrayBufferView;

const encoder = new TextEncoder();

/** UTF-8 bytes of a string. */
export function utf8(text: string): Uint8Array<ArrayBuffer> {
  return encoder.encode(text);
}

/** Decodes UTF-8 strictly; returns undefined for invalid bytes. */
export function fromUtf8(bytes: Uint8Array): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

let crcTable: Uint32Array | undefined;

/** CRC-32 (IEEE 802.3, the one zip and PNG use) of some bytes. */
export function crc32(bytes: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  const table = crcTable;
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) crc = table[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Writes f32 values as little-endian bytes at `offset` of `out`. */
export function writeF32(out: Uint8Array, offset: number, values: Float32Array): void {
  if (LITTLE_ENDIAN) {
    out.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength), offset);
    return;
  }
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  for (let i = 0; i < values.length; i++) view.setFloat32(offset + i * 4, values[i], true);
}

/** Reads `count` little-endian f32 values from `offset` of `bytes` into a new (aligned) array. */
export function readF32(bytes: Uint8Array, offset: number, count: number): Float32Array<ArrayBuffer> {
  const out = new Float32Array(count);
  if (LITTLE_ENDIAN) {
    new Uint8Array(out.buffer).set(bytes.subarray(offset, offset + count * 4));
    return out;
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < count; i++) out[i] = view.getFloat32(offset + i * 4, true);
  return out;
}

/** Whether a value is a Blob (File included). */
export function isBlob(value: unknown): value is Blob {
  return typeof Blob !== 'undefined' && value instanceof Blob;
}

/** Whether a source can be read more than once (a Blob or a buffer, not a stream). */
export function isRereadable(source: ByteSource): source is Blob | ArrayBuffer | ArrayBufferView {
  return isBlob(source) || source instanceof ArrayBuffer || ArrayBuffer.isView(source);
}

/** The bytes of a source in pieces, as they arrive. A stream is cancelled if reading stops early. */
export async function* byteChunks(source: ByteSource): AsyncGenerator<Uint8Array, void, undefined> {
  if (source instanceof ArrayBuffer) {
    yield new Uint8Array(source);
    return;
  }
  if (ArrayBuffer.isView(source)) {
    yield new Uint8Array(source.buffer, source.byteOffset, source.byteLength);
    return;
  }
  const stream = isBlob(source) ? (source.stream() as ReadableStream<Uint8Array>) : source;
  if (!stream || typeof stream.getReader !== 'function') {
    throw new TypeError('expected a Blob, a ReadableStream of Uint8Array, or an ArrayBuffer');
  }
  const reader = stream.getReader();
  let finished = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        finished = true;
        return;
      }
      if (!ArrayBuffer.isView(value)) throw new TypeError('the stream must yield Uint8Array pieces');
      if (value.byteLength > 0) yield new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
    }
  } finally {
    if (!finished) await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}

/** Reads exact byte counts from a sequence of pieces, copying only when a read spans pieces. */
export class ByteReader {
  private readonly pieces: Uint8Array[] = [];
  private head = 0;
  private buffered = 0;
  private ended = false;
  /** Bytes consumed so far. */
  position = 0;

  /** Reads from the pieces `chunks` yields. */
  constructor(private readonly chunks: AsyncIterator<Uint8Array>) {}

  /** Reads `n` bytes; fewer only when the input ends first (the caller decides what that means). */
  async read(n: number): Promise<Uint8Array> {
    while (this.buffered < n && !this.ended) {
      const next = await this.chunks.next();
      if (next.done) this.ended = true;
      else {
        this.pieces.push(next.value);
        this.buffered += next.value.byteLength;
      }
    }
    const take = Math.min(n, this.buffered);
    this.buffered -= take;
    this.position += take;
    const first = this.pieces[0];
    if (take === 0) return new Uint8Array(0);
    if (first.byteLength - this.head >= take) {
      const out = first.subarray(this.head, this.head + take);
      this.advance(take);
      return out;
    }
    const out = new Uint8Array(take);
    let filled = 0;
    while (filled < take) {
      const piece = this.pieces[0];
      const k = Math.min(piece.byteLength - this.head, take - filled);
      out.set(piece.subarray(this.head, this.head + k), filled);
      filled += k;
      this.advance(k);
    }
    return out;
  }

  /** Whether the input has no more bytes. */
  async atEnd(): Promise<boolean> {
    if (this.buffered > 0) return false;
    while (!this.ended && this.buffered === 0) {
      const next = await this.chunks.next();
      if (next.done) this.ended = true;
      else if (next.value.byteLength > 0) {
        this.pieces.push(next.value);
        this.buffered += next.value.byteLength;
      }
    }
    return this.buffered === 0;
  }

  /** Stops reading (a stream source is cancelled). */
  async close(): Promise<void> {
    await this.chunks.return?.(undefined);
  }

  private advance(k: number): void {
    this.head += k;
    if (this.head === this.pieces[0].byteLength) {
      this.pieces.shift();
      this.head = 0;
    }
  }
}
