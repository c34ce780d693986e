/**
 * Damage LevelDB itself finds in the store's files. A write-ahead-log record whose checksum fails
 * is skipped by LevelDB's recovery, which says so only in its info log; a skipped entry write would
 * leave an applied index claiming messages the store lacks. The store refuses such a directory on
 * that open and every later one, and refuses a manifest or table LevelDB cannot read.
 */
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { StoreDamagedError, StreamStore } from "../src/index";
import { Applier, config, msg, tempDir } from "./helpers";

/** storeWithMessages writes a stream and 20 messages (one unsynced entry write each), then closes. */
async function storeWithMessages(): Promise<string> {
  const dir = join(await tempDir(), "db");
  const store = await StreamStore.open(dir);
  const a = new Applier(store);
  await a.apply({ op: "stream.create", config: config({ name: "S", subjects: ["s.>"] }) });
  for (let seq = 1; seq <= 20; seq++) await a.apply(msg("S", seq, "s.a"));
  await store.close();
  return dir;
}

/** flipFileByte flips bit 6 of byte `offset` in the one file of `dir` whose name matches. */
async function flipFileByte(dir: string, name: RegExp, offset: number): Promise<{ path: string; size: number }> {
  const found = (await readdir(dir)).filter((file) => name.test(file));
  expect(found).toHaveLength(1);
  const path = join(dir, found[0]!);
  const content = await readFile(path);
  content[offset] = content[offset]! ^ 0x40;
  await writeFile(path, content);
  return { path, size: content.length };
}

async function openError(dir: string): Promise<StoreDamagedError> {
  const error: unknown = await StreamStore.open(dir).then(async (store) => {
    await store.close();
    return null;
  }, (e: unknown) => e);
  expect(error).toBeInstanceOf(StoreDamagedError);
  return error as StoreDamagedError;
}

function refusal(dir: string, reports: readonly string[]): string {
  return `LevelDB found the stream store ${dir} damaged (${reports.join("; ")}); it refuses to open: ` +
    "move the directory aside and rebuild the store from Raft";
}

describe("stream store - damage LevelDB finds", () => {
  it("a write-ahead-log record LevelDB skipped refuses this open and every later one", async () => {
    const dir = await storeWithMessages();
    // Inside the first record's payload (a record header is 7 bytes): LevelDB skips the whole block.
    const wal = await flipFileByte(dir, /^\d{6}\.log$/, 20);
    const report = `${wal.path}: dropping ${wal.size} bytes; Corruption: checksum mismatch`;
    const first = await openError(dir);
    expect(first.message).toBe(refusal(dir, [report]));
    expect(first.reports).toEqual([report]);
    // LevelDB has folded the log into a table and rewritten its info log; the stored report remains.
    expect((await openError(dir)).reports).toEqual([report]);
  });

  it("damage the open before recorded only in LevelDB's info log (a crash before it was stored) still refuses", async () => {
    const dir = await storeWithMessages();
    const report = `${dir}/000003.log: dropping 1234 bytes; Corruption: checksum mismatch`;
    // What that open's LOG said; this open's LevelDB moves it to LOG.old.
    await writeFile(join(dir, "LOG"), `2026/11/28-00:04:42.102706 7f15caf3c6c0 (ignoring error) ${report}\n`);
    expect((await openError(dir)).reports).toEqual([report]);
    expect((await openError(dir)).reports).toEqual([report]);
  });

  it("a corrupt manifest refuses the store", async () => {
    const dir = await storeWithMessages();
    await flipFileByte(dir, /^MANIFEST-/, 20);
    expect((await openError(dir)).message).toBe(refusal(dir, ["Corruption: checksum mismatch"]));
  });

  it("a table block LevelDB cannot decompress refuses the store", async () => {
    const dir = await storeWithMessages();
    // Reopening folds the write-ahead log into a table (LevelDB compresses its blocks).
    await (await StreamStore.open(dir)).close();
    await flipFileByte(dir, /\.ldb$/, 0);
    expect((await openError(dir)).message).toBe(refusal(dir, ["Corruption: corrupted compressed block contents"]));
  });

  it("an undamaged store opens with every message", async () => {
    const dir = await storeWithMessages();
    const store = await StreamStore.open(dir);
    expect(store.appliedIndex).toBe(21);
    expect(store.view("S")?.state()).toMatchObject({ messages: 20, first_seq: 1, last_seq: 20 });
    await store.close();
  });
});
