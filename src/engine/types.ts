/**
 * The wire types: request and response bodies as Qdrant's REST API defines them
 * (../shared/qdrant/openapi.json), written as TypeScript. Field names are Qdrant's, so code
 * moves between veclite and `@qdrant/js-client-rest` unchanged.
 */
import type { PointId } from './ids';

export type { PointId } from './ids';

/** Distance functions a vector space can use. */
export type Distance = 'Cosine' | 'Dot' | 'Euclid' | 'Manhattan';

/** One dense vector space of a collection. */
export interface VectorParams {
  size: number;
  distance: Distance;
  [other: string]: unknown;
}

/** `vectors` of a collection: one unnamed space, or named spaces. */
export type VectorsConfig = VectorParams | Record<string, VectorParams>;

/** A dense vector as users send it. Float32Array is accepted too (it is what crosses the worker boundary). */
export type DenseVector = number[] | Float32Array;

/** `vector` of a point: unnamed dense, or named dense vectors. */
export type VectorStruct = DenseVector | Record<string, DenseVector>;

/** Arbitrary JSON payload. */
export type Payload = Record<string, unknown>;

/** Body of `PUT /collections/{name}`. Fields other than `vectors` and `metadata` are stored and echoed back. */
export interface CreateCollection {
  vectors?: VectorsConfig;
  metadata?: Record<string, unknown> | null;
  [other: string]: unknown;
}

/** A point in the list form of an upsert. */
export interface PointStruct {
  id: PointId;
  vector: VectorStruct;
  payload?: Payload | null;
}

/** The columnar form of an upsert. */
export interface Batch {
  ids: PointId[];
  vectors: DenseVector[] | Record<string, DenseVector[]>;
  payloads?: (Payload | null)[] | null;
}

/** Query parameters every write takes (API.md §1.3). */
export interface WriteParams {
  wait?: boolean;
  ordering?: 'weak' | 'medium' | 'strong';
  timeout?: number;
}

/** `PointInsertOperations`: the body of `PUT /points`. */
export type PointInsertOperations = ({ points: PointStruct[] } | { batch: Batch }) & UpsertOptions;

/** `PointsSelector`: the body of `POST /points/delete`. */
export type PointsSelector = { points: PointId[] } | { filter: Record<string, unknown> };

/** `update_mode` and `update_filter` of an upsert (API.md §5.1). */
export interface UpsertOptions {
  update_mode?: 'upsert' | 'insert_only' | 'update_only';
  update_filter?: Record<string, unknown>;
}

/** A filter (API.md §9); see src/filter/types.ts for the parsed form. */
export type Filter = Record<string, unknown>;

/** Body of set / overwrite payload. */
export interface SetPayload {
  payload: Payload;
  points?: PointId[];
  filter?: Filter;
  key?: string | null;
}

/** Body of delete payload. */
export interface DeletePayload {
  keys: string[];
  points?: PointId[];
  filter?: Filter;
}

/** Body of update vectors. */
export interface UpdateVectors {
  points: { id: PointId; vector: VectorStruct }[];
  update_filter?: Filter;
}

/** Body of delete vectors. */
export interface DeleteVectors {
  points?: PointId[];
  filter?: Filter;
  vector: string[];
}

/** One operation of `POST /points/batch` (the eight kinds of API.md §5.9). */
export type PointsUpdateOperation =
  | { upsert: PointInsertOperations }
  | { delete: PointsSelector }
  | { set_payload: SetPayload }
  | { overwrite_payload: SetPayload }
  | { delete_payload: DeletePayload }
  | { clear_payload: PointsSelector }
  | { update_vectors: UpdateVectors }
  | { delete_vectors: DeleteVectors };

/** Body of scroll. */
export interface ScrollRequest {
  filter?: Filter;
  limit?: number;
  offset?: PointId;
  with_payload?: WithPayloadInterface;
  with_vector?: WithVector;
  order_by?: string | { key: string; direction?: 'asc' | 'desc'; start_from?: number | string };
}

/** Result of scroll. */
export interface ScrollResult {
  points: Record_[];
  next_page_offset: PointId | null;
}

/** Body of count. */
export interface CountRequest {
  filter?: Filter;
  exact?: boolean;
}

/** Body of `POST /points/search/matrix/{pairs,offsets}` (openapi SearchMatrixRequest). */
export interface SearchMatrixRequest {
  filter?: Filter;
  /** Points sampled (default 10, at least 2). */
  sample?: number;
  /** Neighbours per sampled point (default 3). */
  limit?: number;
  using?: string;
}

/** Result of `searchMatrixPairs`. */
export interface SearchMatrixPairsResponse {
  pairs: { a: PointId; b: PointId; score: number }[];
}

/** Result of `searchMatrixOffsets`: row `offsets_row[i]` has neighbour `offsets_col[i]` at `scores[i]`, as indexes into `ids`. */
export interface SearchMatrixOffsetsResponse {
  offsets_row: number[];
  offsets_col: number[];
  scores: number[];
  ids: PointId[];
}

/** Body of the legacy search. */
export interface SearchRequest {
  vector: DenseVector | { name: string; vector: DenseVector };
  limit?: number;
  offset?: number;
  filter?: Filter;
  params?: SearchParams;
  with_payload?: WithPayloadInterface;
  with_vector?: WithVector;
  score_threshold?: number;
}

/** Where example point ids are looked up: another collection, and which of its vectors (default: the `using` name). */
export interface LookupLocation {
  collection: string;
  vector?: string | null;
}

/** Body of the legacy recommend. */
export interface RecommendRequest {
  positive?: (PointId | DenseVector)[];
  negative?: (PointId | DenseVector)[];
  strategy?: 'average_vector' | 'best_score' | 'sum_scores';
  using?: string;
  lookup_from?: LookupLocation | null;
  limit?: number;
  offset?: number;
  filter?: Filter;
  params?: SearchParams;
  with_payload?: WithPayloadInterface;
  with_vector?: WithVector;
  score_threshold?: number;
}

/** `UpdateResult` (API.md §1.4). */
export interface UpdateResult {
  operation_id?: number;
  status: 'acknowledged' | 'completed' | 'wait_timeout';
}

/** What a read returns of the payload. */
export type WithPayloadInterface = boolean | string[] | { include: string[] } | { exclude: string[] };

/** What a read returns of the vectors. */
export type WithVector = boolean | string[];

/** Body of `POST /points` (retrieve). */
export interface PointRequest {
  ids: PointId[];
  with_payload?: WithPayloadInterface;
  with_vector?: WithVector;
}

/** A point as reads return it. Keys that were not asked for are left out. */
export interface Record_ {
  id: PointId;
  payload?: Payload;
  vector?: number[] | Record<string, number[]>;
  /** The payload value a record was ordered by (scroll with `order_by`). */
  order_value?: number | bigint;
}

/** A search hit. */
export interface ScoredPoint extends Record_ {
  version: number;
  score: number;
}

/** `SearchParams`: `exact` forces exact search, `nprobe` (veclite's) the IVF lists probed, `quantization` steers int8; `hnsw_ef` is accepted. */
export interface SearchParams {
  hnsw_ef?: number;
  exact?: boolean;
  nprobe?: number;
  quantization?: { ignore?: boolean; rescore?: boolean; oversampling?: number };
  [other: string]: unknown;
}

/** Body of `POST /points/query`. */
export interface QueryRequest {
  query?:
    | DenseVector
    | PointId
    | { nearest: DenseVector | PointId; mmr?: { diversity?: number; candidates_limit?: number } | null }
    | { recommend: { positive?: (PointId | DenseVector)[]; negative?: (PointId | DenseVector)[]; strategy?: 'average_vector' | 'best_score' | 'sum_scores' } };
  using?: string;
  lookup_from?: LookupLocation | null;
  filter?: Record<string, unknown>;
  params?: SearchParams;
  score_threshold?: number;
  limit?: number;
  offset?: number;
  with_payload?: WithPayloadInterface;
  with_vector?: WithVector;
}

/** Result of `POST /points/query`. */
export interface QueryResponse {
  points: ScoredPoint[];
}

/** `CollectionInfo` (API.md §4.2). */
export interface CollectionInfo {
  status: 'green' | 'yellow' | 'grey' | 'red';
  optimizer_status: 'ok' | { error: string };
  indexed_vectors_count: number;
  points_count: number;
  segments_count: number;
  config: {
    params: Record<string, unknown>;
    hnsw_config: Record<string, unknown>;
    optimizer_config: Record<string, unknown>;
    wal_config: Record<string, unknown>;
    quantization_config: unknown;
    metadata?: Record<string, unknown>;
    [other: string]: unknown;
  };
  payload_schema: Record<string, unknown>;
}

/** Result of `GET /collections`. */
export interface CollectionsResponse {
  collections: { name: string }[];
}
