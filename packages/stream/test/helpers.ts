/**
 * Test helpers: temporary store directories, stream configs, op builders, snapshot chunk
 * collection and replay, and a byte-exact dump of a store's database.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Level } from "level";
import { afterEach } from "vitest";
import { StreamStore, validateStreamConfig, type MsgOp, type StreamConfig, type StreamOp } from "../src/index";

const dirs: string[] = [];
const stores: StreamStore[] = [];

afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

/** tempDir makes a directory removed after the test. */
export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "flotilla-stream-"));
  dirs.push(dir);
  return dir;
}

/** openStore opens a store in a fresh temp dir (closed after the test). */
export async function openStore(dir?: string): Promise<StreamStore> {
  const store = await StreamStore.open(join(dir ?? (await tempDir()), "db"));
  stores.push(store);
  return store;
}

/** reopen closes a store and opens the same directory again. */
export async function reopen(store: StreamStore, dir: string): Promise<StreamStore> {
  await store.close();
  return openStore(dir);
}

/** config validates a stream config with no other streams. */
export function config(input: Record<string, unknown>): StreamConfig {
  return validateStreamConfig(input, []);
}

const enc = new TextEncoder();

/** bytes encodes text. */
export function bytes(text: string): Uint8Array {
  return enc.encode(text);
}

/** T0 is a fixed base time in nanoseconds; tests add offsets to it. */
export const T0 = 1_764_000_000_000_000_000n;
/** SECOND_NS is one second in nanoseconds. */
export const SECOND_NS = 1_000_000_000n;

/** msg builds a msg op with defaults. */
export function msg(stream: string, seq: number, subject: string, extra: Partial<MsgOp> = {}): MsgOp {
  return { op: "msg", stream, seq, timestampNs: T0 + BigInt(seq) * SECOND_NS, subject, headers: null, data: bytes(`m${seq}`), ...extra };
}

/** Applier applies ops with increasing raft indexes. */
export class Applier {
  index = 0;
  constructor(readonly store: StreamStore) {}
  apply(op: StreamOp) {
    this.index += 1;
    return this.store.apply(this.index, op);
  }
}

/** collect reads a whole snapshot (or any chunk stream) into an array. */
export async function collect(chunks: AsyncIterable<Uint8Array>): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for await (const chunk of chunks) out.push(chunk);
  return out;
}

/** chunksOf replays collected chunks as the async stream restore reads. */
export async function* chunksOf(chunks: Uint8Array[]): AsyncIterable<Uint8Array> {
  yield* chunks;
}

/** dumpDb reads every key/value of a closed store directory, as hex strings. */
export async function dumpDb(dbDir: string): Promise<[string, string][]> {
  const db = new Level<Uint8Array, Uint8Array>(dbDir, { keyEncoding: "view", valueEncoding: "view" });
  await db.open();
  const out: [string, string][] = [];
  for await (const [key, value] of db.iterator()) {
    out.push([Buffer.from(key).toString("hex"), Buffer.from(value).toString("hex")]);
  }
  await db.close();
  return out;
}
