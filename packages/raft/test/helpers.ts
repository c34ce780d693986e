/** Shared helpers for the raft package's driver tests: temp dirs, silent logger, byte flipping. */
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { afterEach } from "vitest";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Level } from "level";
import { pino, type Logger } from "pino";
import { segmentKeyRange, segmentValueBytes, writeSegment, type Entry, type RaftNode } from "../src/internal";

/** tempDir creates a fresh directory under the OS temp dir. */
export async function tempDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `flotilla-${prefix}-`));
}

/** removeDir deletes a directory tree. */
export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

/**
 * tempDirsPerTest registers an afterEach that removes every directory the returned function
 * created during the test, so each test file keeps no list of its own.
 */
export function tempDirsPerTest(prefix: string): () => Promise<string> {
  const dirs: string[] = [];
  afterEach(async () => {
    await Promise.all(dirs.splice(0).map(removeDir));
  });
  return async () => {
    const dir = await tempDir(prefix);
    dirs.push(dir);
    return dir;
  };
}

/** silentLogger returns a pino logger that writes nothing. */
export function silentLogger(): Logger {
  return pino({ level: "silent" });
}

/** LogRecord is one captured log line. */
export interface LogRecord {
  level: number;
  msg: string;
  [key: string]: unknown;
}

/** capturingLogger returns a pino logger whose lines are parsed into `records`. */
export function capturingLogger(): { logger: Logger; records: LogRecord[] } {
  const records: LogRecord[] = [];
  const stream = { write: (line: string) => void records.push(JSON.parse(line) as LogRecord) };
  return { logger: pino({ level: "debug" }, stream), records };
}

/**
 * flipByte opens a closed LevelDB directly and flips the bits of `mask` (one bit unless told) in
 * the byte at `offset` (modulo the length) of the value stored under `key`.
 */
export async function flipByte(dir: string, key: Uint8Array, offset: number, mask = 0x40): Promise<void> {
  const db = new Level<Uint8Array, Uint8Array>(dir, { keyEncoding: "view", valueEncoding: "view" });
  await db.open();
  const value = await db.get(key);
  if (value === undefined) throw new Error(`no record under key ${Buffer.from(key).toString("hex")}`);
  const copy = Uint8Array.from(value);
  copy[offset % copy.length] = (copy[offset % copy.length] ?? 0) ^ mask;
  await db.put(key, copy, { sync: true });
  await db.close();
}

/** bytes makes a Uint8Array from a string. */
export function bytes(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

/** storedKeys opens a closed LevelDB directly and lists its keys in order, within `range` if given. */
export async function storedKeys(dir: string, range: { gte: Uint8Array; lt: Uint8Array } | null = null): Promise<Uint8Array[]> {
  const db = new Level<Uint8Array, Uint8Array>(dir, { keyEncoding: "view", valueEncoding: "view" });
  await db.open();
  const keys: Uint8Array[] = [];
  for await (const key of db.keys(range ?? {})) keys.push(Uint8Array.from(key));
  await db.close();
  return keys;
}

/** storedLogSegments opens a closed LevelDB directly and lists its log segment keys in order. */
export async function storedLogSegments(dir: string): Promise<Uint8Array[]> {
  return storedKeys(dir, { gte: Uint8Array.of(0x4c), lt: Uint8Array.of(0x4d) });
}

/** segmentHolding returns the key of the stored log segment that holds `index` (closed LevelDB). */
export async function segmentHolding(dir: string, index: number): Promise<Uint8Array> {
  for (const key of await storedLogSegments(dir)) {
    const { first, last } = segmentKeyRange(key);
    if (first <= index && index <= last) return key;
  }
  throw new Error(`no stored log segment holds index ${index}`);
}

/**
 * stoppedAfterEach returns lists a test fills with the nodes it opens and the directories it
 * creates; after each test every node is stopped, every directory removed, and both lists emptied.
 */
export function stoppedAfterEach(): { nodes: RaftNode[]; dirs: string[] } {
  const owned = { nodes: [] as RaftNode[], dirs: [] as string[] };
  afterEach(async () => {
    await Promise.all(owned.nodes.map((n) => n.stop()));
    await Promise.all(owned.dirs.map(removeDir));
    owned.nodes.length = 0;
    owned.dirs.length = 0;
  });
  return owned;
}

/** encodeSegment seals the segment entries[from..to] under `key` in memory of its own (as storage does in its arena). */
export function encodeSegment(entries: readonly Entry[], from: number, to: number, key: Uint8Array): Uint8Array {
  return writeSegment(new Uint8Array(segmentValueBytes(entries, from, to)), entries, from, to, key);
}

/** writeAheadLog returns the path and size of the write-ahead log of a closed LevelDB (the newest when several). */
export async function writeAheadLog(dir: string): Promise<{ path: string; size: number }> {
  const name = (await readdir(dir)).filter((file) => /^\d{6}\.log$/.test(file)).sort().at(-1);
  if (name === undefined) throw new Error(`no write-ahead log in ${dir}`);
  const path = join(dir, name);
  return { path, size: (await readFile(path)).length };
}

/** flipFileByte flips the bits of `mask` in the byte at `offset` of a file, below any store's checks. */
export async function flipFileByte(path: string, offset: number, mask = 0x40): Promise<void> {
  const content = await readFile(path);
  if (offset >= content.length) throw new Error(`${path} has ${content.length} bytes, none at ${offset}`);
  content[offset] = content[offset]! ^ mask;
  await writeFile(path, content);
}
