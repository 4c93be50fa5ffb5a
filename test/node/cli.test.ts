/**
 * `veclite serve` as users run it: bin/veclite.mjs over the built Node bundle
 * (bin/build-node.mjs, built here into a temporary folder laid out like the package), started
 * as a child process on 127.0.0.1 with a free port, driven by the official client, stopped
 * with SIGTERM and started again on the same --data.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QdrantClient } from '@qdrant/js-client-rest';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { USAGE } from '../../src/rest/cli';

const repo = new URL('../..', import.meta.url).pathname;
let pkg: string; // a folder laid out like the installed package: bin/, dist/node/, node_modules
let scratch: string;
const children = new Set<ChildProcess>();

beforeAll(() => {
  pkg = mkdtempSync(join(tmpdir(), 'veclite-cli-pkg-'));
  scratch = mkdtempSync(join(tmpdir(), 'veclite-cli-data-'));
  execFileSync(process.execPath, [join(repo, 'bin', 'build-node.mjs'), '--outDir', join(pkg, 'dist', 'node')], { cwd: repo, stdio: 'pipe' });
  mkdirSync(join(pkg, 'bin'));
  copyFileSync(join(repo, 'bin', 'veclite.mjs'), join(pkg, 'bin', 'veclite.mjs'));
  symlinkSync(join(repo, 'node_modules'), join(pkg, 'node_modules'));
}, 120_000);

afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
  rmSync(pkg, { recursive: true, force: true });
  rmSync(scratch, { recursive: true, force: true });
});

interface Running {
  child: ChildProcess;
  url: string;
  /** The "listening on" line. */
  banner: string;
  stderr: () => string;
  /** Resolves with the exit code (bounded wait). */
  exited: Promise<number | null>;
}

/** Runs the CLI to completion (commands that exit by themselves). */
function runToEnd(args: string[], env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
  try {
    const stdout = execFileSync(process.execPath, [join(pkg, 'bin', 'veclite.mjs'), ...args], { env: { ...process.env, ...env }, encoding: 'utf8', stdio: 'pipe', timeout: 30_000 });
    return { status: 0, stdout, stderr: '' };
  } catch (error) {
    const e = error as { status: number | null; stdout: string; stderr: string };
    return { status: e.status, stdout: e.stdout, stderr: e.stderr };
  }
}

/** Starts `veclite serve …` and waits for its "listening on" line (or its exit). */
function serve(args: string[], env: Record<string, string> = {}): Promise<Running> {
  const child = spawn(process.execPath, [join(pkg, 'bin', 'veclite.mjs'), 'serve', '--port', '0', ...args], {
    env: { ...process.env, VECLITE_API_KEY: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => {
      children.delete(child);
      resolve(code);
    });
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "listening on" line within 30 s; stderr: ${stderr}`)), 30_000);
    const check = () => {
      const match = /^.*listening on (http:\/\/\S+).*$/m.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolve({ child, url: match[1], banner: match[0], stderr: () => stderr, exited });
      }
    };
    child.stdout!.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(Object.assign(new Error(`exited with ${code} before listening: ${stderr}`), { code, stderr }));
    });
  });
}

/** SIGTERM, then the exit code (failing after 20 s rather than hanging). */
async function stop(running: Running): Promise<number | null> {
  running.child.kill('SIGTERM');
  const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('did not exit within 20 s of SIGTERM')), 20_000));
  return Promise.race([running.exited, timeout]);
}

describe('veclite serve', () => {
  test('--help states the engine\'s --compact-every default (512, as the README says)', () => {
    expect(USAGE.split('\n').find((line) => line.includes('--compact-every'))).toMatch(/default 512\b/);
  });

  test('writes through the official client survive SIGTERM and a restart on the same --data', async () => {
    const data = join(scratch, 'persist');
    const first = await serve(['--data', data]);
    expect(first.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(first.banner).toContain(`data in ${data}`);
    const client = new QdrantClient({ url: first.url, checkCompatibility: false });
    await client.createCollection('docs', { vectors: { text: { size: 3, distance: 'Cosine' }, image: { size: 2, distance: 'Euclid' } } });
    await client.updateCollection('docs', { metadata: { purpose: 'cli test' } });
    await client.upsert('docs', {
      points: Array.from({ length: 50 }, (_, i) => ({ id: i, vector: { text: [1, i, 0], image: [i, 0] }, payload: { i, parity: i % 2 ? 'odd' : 'even' } })),
    });
    await client.upsert('docs', { points: [{ id: 'c0ffee00-0000-4000-8000-000000000001', vector: { text: [0, 0, 1] }, payload: { kind: 'uuid' } }] });
    await client.createPayloadIndex('docs', { field_name: 'i', field_schema: 'integer', wait: true });
    await client.setPayload('docs', { payload: { tagged: true }, filter: { must: [{ key: 'parity', match: { value: 'odd' } }] } });
    const lastWrite = await client.delete('docs', { points: [0, 1, 2] }); // wait unset: acknowledged, made durable by the shutdown
    expect(lastWrite.status).toBe('acknowledged');
    const before = {
      info: await client.getCollection('docs'),
      points: await client.scroll('docs', { limit: 1000, with_vector: true }),
      near: await client.query('docs', { query: [1, 10, 0], using: 'text', limit: 3, with_payload: true }),
    };
    expect(before.info.points_count).toBe(48);

    expect(await stop(first)).toBe(0);
    expect(first.stderr()).toMatch(/SIGTERM: finishing requests in flight, then closing the store[\s\S]*veclite: stopped/);
    expect(existsSync(join(data, 'LOCK'))).toBe(false);

    const second = await serve(['--data', data]);
    const again = new QdrantClient({ url: second.url, checkCompatibility: false });
    const after = {
      info: await again.getCollection('docs'),
      points: await again.scroll('docs', { limit: 1000, with_vector: true }),
      near: await again.query('docs', { query: [1, 10, 0], using: 'text', limit: 3, with_payload: true }),
    };
    expect(after).toEqual(before);
    expect(after.info.config.metadata).toEqual({ purpose: 'cli test' });
    expect(after.info.payload_schema).toMatchObject({ i: { data_type: 'integer' } });
    expect((await again.retrieve('docs', { ids: [3] }))[0].payload).toEqual({ i: 3, parity: 'odd', tagged: true });
    // Operation ids continue after the restart.
    const next = await again.upsert('docs', { points: [{ id: 100, vector: { image: [1, 1] } }] });
    expect(next.operation_id).toBeGreaterThan(lastWrite.operation_id!);
    expect(await stop(second)).toBe(0);
  });

  test('without --data nothing is kept, and it says so', async () => {
    const running = await serve([]);
    expect(running.banner).toMatch(/^veclite 0\.1\.0 listening on http:\/\/127\.0\.0\.1:\d+ \(Qdrant 1\.19\.0 REST API; in memory: nothing is kept after it stops \(use --data DIR\)\)$/);
    const client = new QdrantClient({ url: running.url, checkCompatibility: false });
    await client.createCollection('tmp', { vectors: { size: 1, distance: 'Dot' } });
    expect(await stop(running)).toBe(0);
    const restarted = await serve([]);
    expect(await new QdrantClient({ url: restarted.url, checkCompatibility: false }).getCollections()).toEqual({ collections: [] });
    expect(await stop(restarted)).toBe(0);
  });

  test('--api-key (or VECLITE_API_KEY) is enforced: 401 without a key, 403 with a wrong one', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {}); // "Api key is used with unsecure connection."
    try {
      for (const [args, env] of [
        [['--api-key', 'sekret'], {}],
        [[], { VECLITE_API_KEY: 'sekret' }],
      ] as const) {
        const running = await serve([...args], env);
        const none = await fetch(`${running.url}/collections`);
        expect([none.status, (await none.json()).status.error]).toEqual([401, 'Unauthorized: Must provide an API key or an Authorization bearer token']);
        const wrong = new QdrantClient({ url: running.url, apiKey: 'guess', checkCompatibility: false });
        await expect(wrong.getCollections()).rejects.toMatchObject({ status: 403 });
        const right = new QdrantClient({ url: running.url, apiKey: 'sekret', checkCompatibility: false });
        expect(await right.getCollections()).toEqual({ collections: [] });
        const bearer = await fetch(`${running.url}/collections`, { headers: { authorization: 'Bearer sekret' } });
        expect(bearer.status).toBe(200);
        expect((await fetch(`${running.url}/healthz`)).status).toBe(200); // health checks stay open, as in Qdrant
        expect(await stop(running)).toBe(0);
      }
    } finally {
      warn.mockRestore();
    }
  });

  test('binds 127.0.0.1 by default (the listening socket, not only the printed URL)', async () => {
    const running = await serve([]);
    const port = Number(new URL(running.url).port);
    expect(new URL(running.url).hostname).toBe('127.0.0.1');
    if (existsSync('/proc/net/tcp')) {
      // Listening sockets (state 0A) on our port: the local address must be 127.0.0.1 (0100007F), never 0.0.0.0.
      const rows = readFileSync('/proc/net/tcp', 'utf8').split('\n').slice(1).map((line) => line.trim().split(/\s+/));
      const listening = rows.filter((r) => r[3] === '0A' && parseInt(r[1]?.split(':')[1] ?? '', 16) === port).map((r) => r[1].split(':')[0]);
      expect(listening).toEqual(['0100007F']);
      const six = existsSync('/proc/net/tcp6') ? readFileSync('/proc/net/tcp6', 'utf8') : '';
      expect(six.split('\n').filter((l) => l.includes(`:${port.toString(16).toUpperCase().padStart(4, '0')} `) && / 0A /.test(l))).toEqual([]);
    }
    expect(await stop(running)).toBe(0);
  });

  test('a --data directory in use by another server is refused; so is a taken port', async () => {
    const data = join(scratch, 'locked');
    const first = await serve(['--data', data]);
    const locked = await serve(['--data', data]).catch((e: { code: number; stderr: string }) => e);
    expect(locked).toMatchObject({ code: 1, stderr: expect.stringMatching(new RegExp(`cannot start: .* is in use by process ${first.child.pid}`)) });
    const port = new URL(first.url).port;
    const taken = await serve(['--port', port]).catch((e: { code: number; stderr: string }) => e);
    expect(taken).toMatchObject({ code: 1, stderr: expect.stringContaining(`127.0.0.1:${port} is already in use`) });
    expect(await stop(first)).toBe(0);
  });

  test('usage: --version, --help, and bad arguments (exit 2)', () => {
    expect(runToEnd(['--version'])).toMatchObject({ status: 0, stdout: '0.1.0\n' });
    expect(runToEnd(['serve', '--help'])).toMatchObject({ status: 0, stdout: expect.stringContaining('Usage: veclite serve') });
    expect(runToEnd(['serve', '--port', 'abc'])).toMatchObject({ status: 2, stderr: expect.stringContaining('--port needs an integer') });
    expect(runToEnd(['serve', '--bogus'])).toMatchObject({ status: 2, stderr: expect.stringContaining('unknown option --bogus') });
    expect(runToEnd(['serve', '--api-key='])).toMatchObject({ status: 2, stderr: expect.stringContaining('--api-key needs a non-empty key') });
    expect(runToEnd(['frobnicate'])).toMatchObject({ status: 2, stderr: expect.stringContaining('unknown command frobnicate') });
    expect(runToEnd([])).toMatchObject({ status: 2 });
  });
});
