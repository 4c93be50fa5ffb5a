/**
 * Query-string parameters (API.md §1.3): `wait` / `ordering` / `timeout` of writes, `consistency`
 * / `timeout` of reads, `timeout` of collection endpoints. Only `wait` changes anything on one
 * node; the others are checked as Qdrant checks them (400 Deserialize error, 422 Validation
 * error in query parameters) and otherwise accepted.
 */
import { QdrantError } from './errors';
import { shown } from './json';

/** 400 for a query parameter that does not parse. */
function deserializeError(detail: string): QdrantError {
  return new QdrantError(400, `Deserialize error in query parameters: ${detail}`);
}

/** Checks `timeout`: a whole number of seconds, at least 1. */
function checkTimeout(timeout: unknown): void {
  if (timeout === undefined || timeout === null) return;
  if (typeof timeout !== 'number' || !Number.isInteger(timeout) || timeout < 0) throw deserializeError('invalid digit found in string');
  if (timeout < 1) throw new QdrantError(422, 'Validation error in query parameters: [timeout: value 0 invalid, must be 1 or larger]');
}

/** Reads the parameters of a write; returns `wait` (default false, the server's default). */
export function parseWriteParams(params: { wait?: unknown; ordering?: unknown; timeout?: unknown } | undefined | null): boolean {
  if (params === undefined || params === null) return false;
  const { wait, ordering, timeout } = params;
  if (wait !== undefined && wait !== null && typeof wait !== 'boolean') throw deserializeError('provided string was not `true` or `false`');
  if (ordering !== undefined && ordering !== null && !['weak', 'medium', 'strong'].includes(ordering as string)) {
    throw deserializeError(`unknown variant \`${shown(ordering)}\`, expected one of \`weak\`, \`medium\`, \`strong\``);
  }
  checkTimeout(timeout);
  return wait === true;
}

/** Checks the parameters of a read: `consistency` (an integer ≥ 1, or majority / quorum / all) and `timeout`. */
export function checkReadParams(params: { consistency?: unknown; timeout?: unknown }): void {
  const { consistency } = params;
  if (consistency !== undefined && consistency !== null) {
    const named = ['majority', 'quorum', 'all'].includes(consistency as string);
    const counted = typeof consistency === 'number' && Number.isInteger(consistency) && consistency >= 1;
    if (!named && !counted) throw deserializeError(`invalid consistency \`${shown(consistency)}\`: expected an integer ≥ 1, \`majority\`, \`quorum\` or \`all\``);
  }
  checkTimeout(params.timeout);
}

/** Checks the `timeout` of a collection endpoint (create, update, delete). */
export function checkMetaParams(params: { timeout?: unknown }): void {
  checkTimeout(params.timeout);
}
