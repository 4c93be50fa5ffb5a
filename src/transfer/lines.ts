/**
 * The lines of a text source (a string, a Blob, or a stream of bytes), numbered from 1, read
 * piece by piece: `\n` and `\r\n` both end a line, a UTF-8 byte order mark at the start is
 * dropped, invalid UTF-8 is a 400.
 */
import { byteChunks, isBlob } from './bytes';
import { badFile } from './errors';

/** A text source: the whole text, or its UTF-8 bytes. */
export type TextSource = string | Blob | ReadableStream<Uint8Array>;

/** One line and its number (1-based). */
export interface Line {
  number: number;
  text: string;
}

/** Yields the lines of a text source. The last line may lack its `\n`; an empty last line is not yielded. */
export async function* linesOf(source: TextSource): AsyncGenerator<Line, void, undefined> {
  let number = 0;
  let rest = '';
  const emit = function* (text: string, final: boolean, searchFrom = 0): Generator<Line, void, undefined> {
    let start = 0;
    for (;;) {
      const nl = text.indexOf('\n', start === 0 ? searchFrom : start);
      if (nl < 0) break;
      number += 1;
      yield { number, text: trimLine(text.slice(start, nl), number) };
      start = nl + 1;
    }
    rest = text.slice(start);
    if (final && rest.length > 0) {
      number += 1;
      yield { number, text: trimLine(rest, number) };
      rest = '';
    }
  };
  if (typeof source === 'string') {
    yield* emit(source, true);
    return;
  }
  if (!isBlob(source) && (typeof source !== 'object' || source === null || typeof source.getReader !== 'function')) {
    throw new TypeError('expected a string, a Blob or a ReadableStream of UTF-8 bytes');
  }
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  const decode = (bytes?: Uint8Array): string => {
    try {
      return bytes ? decoder.decode(bytes, { stream: true }) : decoder.decode();
    } catch {
      throw badFile(`the JSONL text is not valid UTF-8 (at line ${number + 1})`);
    }
  };
  // The carried-over part has no '\n': the search starts after it, so a long line costs no rescans.
  for await (const piece of byteChunks(source)) yield* emit(rest + decode(piece), false, rest.length);
  yield* emit(rest + decode(), true);
}

function trimLine(text: string, number: number): string {
  let out = text.endsWith('\r') ? text.slice(0, -1) : text;
  if (number === 1 && out.charCodeAt(0) === 0xfeff) out = out.slice(1);
  return out;
}
