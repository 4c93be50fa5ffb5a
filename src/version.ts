/** Versions reported by `GET /` of the REST facade and by `VecliteClient.versionInfo()`. */

/** The Qdrant version whose REST API veclite follows. */
export const QDRANT_API_VERSION = '1.19.0';

/** This package's version (package.json's; a test checks they agree). */
export const VECLITE_VERSION = '0.1.0';

/** What Qdrant's root endpoint answers (openapi `VersionInfo`), with veclite's own version beside it. */
export interface VersionInfo {
  title: string;
  version: string;
  veclite: string;
}

/** The root endpoint's answer. */
export function versionInfo(): VersionInfo {
  return { title: 'qdrant - vector search engine', version: QDRANT_API_VERSION, veclite: VECLITE_VERSION };
}
