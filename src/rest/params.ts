/**
 * Query parameters as Qdrant reads them (API.md §1.3): writes take `wait`, `ordering` and
 * `timeout`; collection changes take `timeout`; reads take `consistency` and `timeout`.
 * A value that does not parse is a 400 `Deserialize error in query parameters: …` (serde's
 * wording); a `timeout` of 0 is a 422 `Validation error in query parameters`; a `consistency` of 0 a 400 (it fails to deserialize).
 * Unknown parameters are ignored, as Qdrant ignores them.
 */
import { QdrantError } from '../engine/errors';
import type { WriteParams } from '../engine/types';

/** Which parameters an endpoint takes. */
export type ParamsKind = 'write' | 'read' | 'timeout' | 'none';

/** Parsed query parameters. */
export interface QueryParams {
  /**
   * For writes. All three keys are always present (`wait` defaults to false on the server, unlike
   * the official client), so spreading this over a body replaces any body keys of the same names.
   */
  write: { wait: boolean; ordering: WriteParams['ordering'] | undefined; timeout: number | undefined };
  /** For reads, both keys always present (same reason). */
  read: { consistency: number | 'majority' | 'quorum' | 'all' | undefined; timeout: number | undefined };
  /** For collection changes (create, PATCH, delete). */
  meta: { timeout: number | undefined };
}

const ORDERINGS = ['weak', 'medium', 'strong'] as const;
const CONSISTENCIES = ['majority', 'quorum', 'all'] as const;

function deserializeError(detail: string): QdrantError {
  return new QdrantError(400, `Deserialize error in query parameters: ${detail}`);
}

function validationError(name: string, value: number): QdrantError {
  return new QdrantError(422, `Validation error in query parameters: [${name}: value ${value} invalid, must be 1 or larger]`);
}

/** Parses an unsigned integer the way Rust's `u64::from_str` does (digits only, with its messages). */
function parseUint(text: string): number {
  if (text === '') throw deserializeError('cannot parse integer from empty string');
  if (!/^\+?\d+$/.test(text)) throw deserializeError('invalid digit found in string');
  // u64, as Qdrant's timeouts and factors: beyond 2^53 the number is inexact, and only ever large.
  if (BigInt(text) > U64_MAX) throw deserializeError('number too large to fit in target type');
  return Number(text);
}

const U64_MAX = (1n << 64n) - 1n;

/** Reads the parameters of one endpoint kind from a URL's search params. */
export function parseQueryParams(search: URLSearchParams, kind: ParamsKind): QueryParams {
  const params: QueryParams = {
    write: { wait: false, ordering: undefined, timeout: undefined },
    read: { consistency: undefined, timeout: undefined },
    meta: { timeout: undefined },
  };
  if (kind === 'none') return params;
  const accepted = kind === 'write' ? ['wait', 'ordering', 'timeout'] : kind === 'read' ? ['consistency', 'timeout'] : ['timeout'];
  const seen = new Set<string>();
  for (const [name, value] of search) {
    if (!accepted.includes(name)) continue;
    if (seen.has(name)) throw deserializeError(`duplicate field \`${name}\``);
    seen.add(name);
    switch (name) {
      case 'wait':
        if (value !== 'true' && value !== 'false') throw deserializeError('provided string was not `true` or `false`');
        params.write.wait = value === 'true';
        break;
      case 'ordering':
        if (!(ORDERINGS as readonly string[]).includes(value)) {
          throw deserializeError(`unknown variant \`${value}\`, expected one of \`weak\`, \`medium\`, \`strong\``);
        }
        params.write.ordering = value as WriteParams['ordering'];
        break;
      case 'timeout': {
        const timeout = parseUint(value);
        if (timeout < 1) throw validationError('timeout', timeout);
        if (kind === 'write') params.write.timeout = timeout;
        else if (kind === 'read') params.read.timeout = timeout;
        else params.meta.timeout = params.read.timeout = timeout;
        break;
      }
      case 'consistency': {
        // Qdrant's read_params.rs: an empty value means "not given"; a factor of 0 fails to deserialize.
        if (value === '') break;
        if ((CONSISTENCIES as readonly string[]).includes(value)) {
          params.read.consistency = value as QueryParams['read']['consistency'];
        } else if (/^\+?\d+$/.test(value)) {
          const factor = parseUint(value);
          if (factor < 1) throw deserializeError("read consistency factor can't be zero");
          params.read.consistency = factor;
        } else {
          throw deserializeError('data did not match any variant of untagged enum ReadConsistency');
        }
        break;
      }
    }
  }
  return params;
}
