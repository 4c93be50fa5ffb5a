/**
 * Errors of the transfer formats, shaped like the engine's: a bad file is a 400
 * `Bad request: …` QdrantError, so callers handle it the way they handle any other bad request.
 */
import { QdrantError } from '../engine/errors';

/** 400 `Bad request: …` for a file (or JSONL line) that cannot be read. */
export function badFile(detail: string): QdrantError {
  return new QdrantError(400, `Bad request: ${detail}`);
}

/** 409 `Wrong input: Collection `name` already exists!` (the engine's own wording). */
export function alreadyExists(name: string): QdrantError {
  return new QdrantError(409, `Wrong input: Collection \`${name}\` already exists!`);
}

/**
 * Adds to an error thrown after an import started writing how far it got, keeping its status
 * (and so its message prefix): `…; 3000 of 10000 points had been imported into `docs``.
 * Anything that is not a QdrantError is passed through unchanged.
 */
export function afterWrites(error: unknown, imported: number, total: number | undefined, collection: string): unknown {
  if (!(error instanceof QdrantError)) return error;
  const of = total === undefined ? '' : ` of ${total}`;
  return new QdrantError(error.status, `${error.message}; ${imported}${of} points had been imported into \`${collection}\``);
}
