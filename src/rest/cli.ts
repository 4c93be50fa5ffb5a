/**
 * `veclite serve`: Qdrant's REST API from a veclite store in a local Node process, for the
 * official clients, curl, or a browser app during development.
 */
import { resolve } from 'node:path';
import { openStore, type VecliteClient } from '../client/client';
import { COMPACT_EVERY } from '../engine/engine';
import { fileStorage } from '../storage/file';
import { DEFAULT_MAX_BODY_BYTES } from './handler';
import { isLoopback, serveQdrant, type QdrantServer } from './node-server';
import { QDRANT_API_VERSION, VECLITE_VERSION } from './routes';

export const USAGE = `Usage: veclite serve [options]

Serves Qdrant's REST API (v${QDRANT_API_VERSION} paths; the official Qdrant clients work against it)
from a veclite store.

Options:
  --port N            TCP port (default 6333; 0 picks a free one)
  --host ADDR         address to bind (default 127.0.0.1: this machine only)
  --data DIR          keep the data in DIR (created if needed); without it nothing is kept
  --api-key KEY       require this key in an api-key header or Authorization: Bearer
                      (or set VECLITE_API_KEY, which keeps it out of the process list)
  --max-body-mb N     largest request body in MiB (default ${DEFAULT_MAX_BODY_BYTES / 1024 / 1024})
  --cors              let web pages on other origins call the API
  --compact-every N   fold the write log into chunks after N log records (default ${COMPACT_EVERY})
  -h, --help          this text
  -v, --version       the version

SIGINT or SIGTERM stops it cleanly: no new connections, requests in flight are answered,
the data is flushed and compacted, exit code 0.`;

/** Parsed `serve` options. */
export interface ServeArgs {
  port: number;
  host: string;
  data?: string;
  apiKey?: string;
  maxBodyBytes: number;
  cors: boolean;
  compactEvery?: number;
}

/** A command-line error (exit code 2). */
export class UsageError extends Error {}

function integer(name: string, text: string | undefined, min: number, max: number): number {
  if (text === undefined || !/^\d+$/.test(text)) throw new UsageError(`${name} needs an integer`);
  const value = Number(text);
  if (value < min || value > max) throw new UsageError(`${name} must be between ${min} and ${max}`);
  return value;
}

/** Parses the arguments after `serve`. */
export function parseServeArgs(args: string[], env: Record<string, string | undefined> = {}): ServeArgs {
  const out: ServeArgs = { port: 6333, host: '127.0.0.1', maxBodyBytes: DEFAULT_MAX_BODY_BYTES, cors: false };
  const envKey = env.VECLITE_API_KEY;
  if (envKey !== undefined && envKey !== '') out.apiKey = envKey;
  for (let i = 0; i < args.length; i++) {
    let arg = args[i];
    let value: string | undefined;
    const eq = arg.indexOf('=');
    if (arg.startsWith('--') && eq > 0) {
      value = arg.slice(eq + 1);
      arg = arg.slice(0, eq);
    }
    const take = (): string => {
      if (value !== undefined) return value;
      const next = args[i + 1];
      if (next === undefined || next.startsWith('--')) throw new UsageError(`${arg} needs a value`);
      i++;
      return next;
    };
    switch (arg) {
      case '--port':
        out.port = integer('--port', take(), 0, 65535);
        break;
      case '--host':
        out.host = take();
        if (out.host === '') throw new UsageError('--host needs an address');
        break;
      case '--data':
        out.data = take();
        if (out.data === '') throw new UsageError('--data needs a directory');
        break;
      case '--api-key':
        out.apiKey = take();
        if (out.apiKey === '') throw new UsageError('--api-key needs a non-empty key');
        break;
      case '--max-body-mb':
        out.maxBodyBytes = integer('--max-body-mb', take(), 1, 4096) * 1024 * 1024;
        break;
      case '--cors':
        if (value !== undefined) throw new UsageError('--cors takes no value');
        out.cors = true;
        break;
      case '--compact-every':
        out.compactEvery = integer('--compact-every', take(), 1, 1_000_000);
        break;
      default:
        throw new UsageError(`unknown option ${arg}`);
    }
  }
  return out;
}

/** Where the CLI writes, and the process it controls (replaceable in tests). */
export interface CliIo {
  stdout: (line: string) => void;
  stderr: (line: string) => void;
  env: Record<string, string | undefined>;
  /** Registers a shutdown signal handler; returns a function that removes it. */
  onSignal: (signal: 'SIGINT' | 'SIGTERM', handler: () => void) => () => void;
}

const processIo = (): CliIo => ({
  stdout: (line) => process.stdout.write(`${line}\n`),
  stderr: (line) => process.stderr.write(`${line}\n`),
  env: process.env,
  onSignal: (signal, handler) => {
    process.on(signal, handler);
    return () => process.off(signal, handler);
  },
});

/** A running `serve`: its server and store, and a promise of the exit code once it has stopped. */
export interface Serving {
  server: QdrantServer;
  store: VecliteClient;
  /** Stops as a signal does (idempotent); resolves with the exit code. */
  stop(): Promise<number>;
  /** Resolves with the exit code once stopped (by a signal or stop()). */
  stopped: Promise<number>;
}

/** Opens the store and starts the server. */
export async function startServe(args: ServeArgs, io: CliIo = processIo()): Promise<Serving> {
  const store = await openStore('veclite-serve', {
    worker: false,
    persistence: args.data ? { storage: fileStorage(args.data) } : 'memory',
    compactEvery: args.compactEvery,
  });
  let server: QdrantServer;
  try {
    server = await serveQdrant(store, { port: args.port, host: args.host, apiKey: args.apiKey, maxBodyBytes: args.maxBodyBytes, cors: args.cors });
  } catch (error) {
    await store.close().catch(() => {});
    throw error;
  }
  let stopping: Promise<number> | undefined;
  let resolveStopped!: (code: number) => void;
  const stopped = new Promise<number>((done) => (resolveStopped = done));
  const removers: (() => void)[] = [];
  const stop = (): Promise<number> => {
    stopping ??= (async () => {
      let code = 0;
      try {
        await server.close();
      } catch (error) {
        io.stderr(`veclite: closing the server failed: ${(error as Error).message}`);
        code = 1;
      }
      try {
        await store.close(); // flushes pending writes and folds the log
      } catch (error) {
        io.stderr(`veclite: closing the store failed: ${(error as Error).message}`);
        code = 1;
      }
      for (const remove of removers) remove();
      io.stderr(code === 0 ? 'veclite: stopped' : 'veclite: stopped with errors');
      resolveStopped(code);
      return code;
    })();
    return stopping;
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    removers.push(
      io.onSignal(signal, () => {
        if (stopping) {
          io.stderr(`veclite: ${signal} again: exiting without waiting`);
          process.exit(1);
        }
        io.stderr(`veclite: ${signal}: finishing requests in flight, then closing the store`);
        void stop();
      }),
    );
  }
  return { server, store, stop, stopped };
}

/** Runs the command line; resolves with the process exit code (after a signal, for `serve`). */
export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
    (command === undefined ? io.stderr : io.stdout)(USAGE);
    return command === undefined ? 2 : 0;
  }
  if (command === '-v' || command === '--version') {
    io.stdout(VECLITE_VERSION);
    return 0;
  }
  if (command !== 'serve') {
    io.stderr(`veclite: unknown command ${command}\n\n${USAGE}`);
    return 2;
  }
  if (rest.includes('-h') || rest.includes('--help')) {
    io.stdout(USAGE);
    return 0;
  }
  // Listed among serve's options by the usage text.
  if (rest.includes('-v') || rest.includes('--version')) {
    io.stdout(VECLITE_VERSION);
    return 0;
  }
  let args: ServeArgs;
  try {
    args = parseServeArgs(rest, io.env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr(`veclite: ${error.message}\n\n${USAGE}`);
    return 2;
  }
  let serving: Serving;
  try {
    serving = await startServe(args, io);
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    const reason = e.code === 'EADDRINUSE' ? `${args.host}:${args.port} is already in use` : e.message;
    io.stderr(`veclite: cannot start: ${reason}`);
    return 1;
  }
  const where = args.data ? `data in ${resolve(args.data)}` : 'in memory: nothing is kept after it stops (use --data DIR)';
  io.stdout(`veclite ${VECLITE_VERSION} listening on ${serving.server.url} (Qdrant ${QDRANT_API_VERSION} REST API; ${where})`);
  if (!isLoopback(args.host) && !args.apiKey) {
    io.stderr(`veclite: warning: bound to ${args.host} without an API key: anyone who can reach it can read and change the data`);
  }
  return serving.stopped;
}
