/** Sends JSON requests straight to a REST handler (no server) and reads the reply. */
import type { QdrantHandler } from '../../src/rest/handler';

/** A reply: the HTTP status and the parsed JSON body. */
export interface JsonReply {
  status: number;
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** A `send(method, path, body?)` for the handler `handler()` returns when it is called. */
export function restSender(handler: () => QdrantHandler): (method: string, path: string, body?: unknown) => Promise<JsonReply> {
  return async (method, path, body) => {
    const init: RequestInit = { method, headers: body === undefined ? {} : { 'content-type': 'application/json' } };
    if (body !== undefined) init.body = JSON.stringify(body);
    const response = await handler()(new Request(`http://veclite.test${path}`, init));
    return { status: response.status, json: JSON.parse(await response.text()) };
  };
}

/** The same for bodies given as JSON text, sent unchanged (so number spellings reach the handler as written). */
export function rawRestSender(handler: () => QdrantHandler): (method: string, path: string, body?: string) => Promise<JsonReply> {
  return async (method, path, body) => {
    const init: RequestInit = { method, headers: body === undefined ? {} : { 'content-type': 'application/json' } };
    if (body !== undefined) init.body = body;
    const response = await handler()(new Request(`http://veclite.test${path}`, init));
    return { status: response.status, json: JSON.parse(await response.text()) };
  };
}
