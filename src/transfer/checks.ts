/**
 * The engine's own checks, run by the importers' checking passes so that whatever the engine
 * would refuse halfway through an import (a payload number out of range, a payload nested too
 * deep, an unknown payload index type) is found before anything is written.
 */
import { parsePayloadIndex } from '../engine/config';
import { QdrantError } from '../engine/errors';
import { acceptPayload, copyPayload } from '../engine/json';
import { parseJsonPath } from '../filter/json-path';

/** The engine's message without its `Format error in JSON body: ` style prefix (the caller adds its own). */
function detailOf(error: unknown): string {
  if (!(error instanceof QdrantError)) return error instanceof Error ? error.message : String(error);
  const colon = error.message.indexOf(': ');
  return colon < 0 ? error.message : error.message.slice(colon + 2);
}

/**
 * Why the engine would refuse `payload` as a point's payload (the problem, naming its path
 * from `path`), or undefined when it would store it; `null` is no payload and is accepted.
 */
export function payloadProblem(payload: unknown, path: string): string | undefined {
  if (payload === null) return undefined;
  // The fast check builds no copy and no path strings; only a refused payload is walked again for the message.
  if (acceptPayload(payload, true)) return undefined;
  try {
    copyPayload(payload, path);
  } catch (error) {
    return detailOf(error);
  }
  return undefined;
}

/** Why the engine would refuse the payload index `field_schema` on `field_name`, or undefined when it would create it. */
export function payloadIndexProblem(field_name: string, field_schema: unknown): string | undefined {
  try {
    parsePayloadIndex({ field_name, field_schema });
    parseJsonPath(field_name, 'field_name');
  } catch (error) {
    return detailOf(error);
  }
  return undefined;
}
