/**
 * Errors shaped like Qdrant's: an HTTP status plus the exact message prefix Qdrant puts in
 * `status.error` (API.md §1.2), so code that checks `err.status` or the message text behaves
 * the same against veclite and against a Qdrant server.
 */

/** The plain-data form of an error, as it crosses the worker boundary. */
export interface ErrorShape {
  status: number;
  message: string;
}

/** An error with Qdrant's HTTP status and message. `data` mirrors the error envelope the official client exposes. */
export class QdrantError extends Error {
  readonly status: number;
  readonly data: { status: { error: string }; time: number };

  /** Creates an error with an HTTP status and the full Qdrant message (prefix included). */
  constructor(status: number, message: string) {
    super(message);
    this.name = 'QdrantError';
    this.status = status;
    this.data = { status: { error: message }, time: 0 };
  }

  /**
   * `{status, data}`, as the `getActualType()` of the errors QdrantClient throws (ApiError
   * subclasses), so code that reads them works unchanged.
   */
  getActualType(): { status: number; data: { status: { error: string }; time: number } } {
    return { status: this.status, data: this.data };
  }

  /** The plain-data form, for structured cloning. */
  toShape(): ErrorShape {
    return { status: this.status, message: this.message };
  }
}

/** 404 `Not found: Collection `name` doesn't exist!` */
export function collectionNotFound(name: string): QdrantError {
  return new QdrantError(404, `Not found: Collection \`${name}\` doesn't exist!`);
}

/** 409 `Wrong input: Collection `name` already exists!` */
export function collectionExists(name: string): QdrantError {
  return new QdrantError(409, `Wrong input: Collection \`${name}\` already exists!`);
}

/** 404 for `GET /points/{id}` on a missing point (Qdrant's own wording, typo included). */
export function pointNotFound(id: string | number | bigint): QdrantError {
  return new QdrantError(404, `Not found: Point with id ${id} does not exists!`);
}

/** 400 `Wrong input: …` — semantic input errors such as a wrong vector dimension. */
export function wrongInput(detail: string): QdrantError {
  return new QdrantError(400, `Wrong input: ${detail}`);
}

/** 400 `Wrong input: Vector dimension error: expected dim: N, got M` */
export function dimensionError(expected: number, got: number): QdrantError {
  return wrongInput(`Vector dimension error: expected dim: ${expected}, got ${got}`);
}

/** 400 `Wrong input: Not existing vector name error: NAME` */
export function unknownVectorName(name: string): QdrantError {
  return wrongInput(`Not existing vector name error: ${name}`);
}

/** 400 `Bad request: …` */
export function badRequest(detail: string): QdrantError {
  return new QdrantError(400, `Bad request: ${detail}`);
}

/** 400 `Format error in JSON body: …` — the body does not fit the types (wrong type, missing field, bad id). */
export function formatError(detail: string): QdrantError {
  return new QdrantError(400, `Format error in JSON body: ${detail}`);
}

/** 422 `Validation error in JSON body: [path: message]` — the body parses but breaks a validation rule. */
export function validationError(path: string, detail: string): QdrantError {
  return new QdrantError(422, `Validation error in JSON body: [${path}: ${detail}]`);
}

/** 422 `Validation error in path parameters: [name: …]` — a bad collection name. */
export function pathValidationError(detail: string): QdrantError {
  return new QdrantError(422, `Validation error in path parameters: [${detail}]`);
}

/** 500 `Service internal error: …` */
export function internalError(detail: string): QdrantError {
  return new QdrantError(500, `Service internal error: ${detail}`);
}

/** 507 `Insufficient storage: …` */
export function insufficientStorage(detail: string): QdrantError {
  return new QdrantError(507, `Insufficient storage: ${detail}`);
}

/** Turns anything thrown into a QdrantError; unexpected failures become 500s that keep their message. */
export function asQdrantError(error: unknown): QdrantError {
  if (error instanceof QdrantError) return error;
  if (error && typeof error === 'object' && (error as { name?: string }).name === 'QuotaExceededError') {
    return insufficientStorage((error as Error).message || 'the browser storage quota is exhausted');
  }
  const message = error instanceof Error ? error.message : String(error);
  return internalError(message);
}

/** Rebuilds a QdrantError from its plain-data form (after crossing the worker boundary). */
export function fromShape(shape: ErrorShape): QdrantError {
  return new QdrantError(shape.status, shape.message);
}
