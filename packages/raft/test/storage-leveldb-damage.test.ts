/**
 * Damage LevelDB itself finds. A write-ahead-log record whose checksum fails is skipped by
 * LevelDB's recovery (no paranoid checks), which says so only in its info log: RaftStorage reads
 * that, stores it, and refuses the directory on this open and every later one. A manifest or table
 * LevelDB cannot read refuses the directory with LevelDbCorruptionError.
 */
import { readdir, writeFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { describe, expect, it } from "vitest";
import { EntryKind } from "../src/core/types";
import { LevelDbCorruptionError, RaftStorage, WAL_LOSS_KEY, WriteAheadLogLossError, walLossReports } from "../src/internal";
import { bytes, flipByte, flipFileByte, tempDirsPerTest, writeAheadLog } from "./helpers";

const freshDir = tempDirsPerTest("leveldb-damage");
const none = { snapshot: null, compactedThrough: null } as const;
/** FIRST_RECORD_PAYLOAD: an offset inside the first record's payload (LevelDB's record header is 7 bytes). */
const FIRST_RECORD_PAYLOAD = 20;

/** levelFile returns the path of the one file in `dir` whose name matches. */
async function levelFile(dir: string, name: RegExp): Promise<string> {
  const found = (await readdir(dir)).filter((file) => name.test(file));
  expect(found).toHaveLength(1);
  return join(dir, found[0]!);
}

function refusal(dir: string, reports: readonly string[]): string {
  return `LevelDB dropped write-ahead-log records of ${dir} (${reports.join("; ")}): entries this node acknowledged, ` +
    "its term and its vote may be lost, so it refuses to start on this directory; move the directory aside " +
    "to rejoin as an empty member";
}

async function openError(dir: string): Promise<WriteAheadLogLossError> {
  const error: unknown = await RaftStorage.open(dir).then(async (storage) => {
    await storage.close();
    return null;
  }, (e: unknown) => e);
  expect(error).toBeInstanceOf(WriteAheadLogLossError);
  return error as WriteAheadLogLossError;
}

/** writeTwentyBatches stores entries 1..20, one synced batch each, and closes the store. */
async function writeTwentyBatches(dir: string): Promise<void> {
  const storage = await RaftStorage.open(dir);
  await storage.load();
  for (let i = 1; i <= 20; i++) {
    const entry = { index: i, term: 1, kind: EntryKind.Normal, data: bytes(`e${i}`) };
    await storage.persist({ ...none, entries: [entry], hardState: { term: 1, vote: "n1", commit: i - 1 } });
  }
  await storage.close();
}

describe("storage - write-ahead-log records LevelDB drops", () => {
  it("a skipped record refuses this open and every later one, though LevelDB has forgotten it", async () => {
    const dir = await freshDir();
    await writeTwentyBatches(dir);
    const wal = await writeAheadLog(dir);
    await flipFileByte(wal.path, FIRST_RECORD_PAYLOAD);
    // The bad record's checksum fails, and LevelDB skips it with the rest of its block: here the file.
    const report = `${wal.path}: dropping ${wal.size} bytes; Corruption: checksum mismatch`;

    const first = await openError(dir);
    expect(first.message).toBe(refusal(dir, [report]));
    expect(first.reports).toEqual([report]);
    // LevelDB folded the replayed log into a table: the directory itself no longer shows the loss.
    expect(await readdir(dir)).not.toContain(basename(wal.path));

    const second = await openError(dir);
    expect(second.reports).toEqual([report]);
  });

  it("a loss the open before recorded only in LevelDB's info log (a crash before it was stored) still refuses", async () => {
    const dir = await freshDir();
    await writeTwentyBatches(dir);
    // What that open's LOG said; this open's LevelDB moves it to LOG.old.
    const report = `${dir}/000003.log: dropping 1234 bytes; Corruption: checksum mismatch`;
    await writeFile(join(dir, "LOG"), `2026/11/28-00:04:42.102706 7f15caf3c6c0 (ignoring error) ${report}\n`);
    expect((await openError(dir)).reports).toEqual([report]);
    expect((await openError(dir)).reports).toEqual([report]);
  });

  it("a stored report that is itself corrupt still refuses the directory", async () => {
    const dir = await freshDir();
    await writeTwentyBatches(dir);
    await flipFileByte((await writeAheadLog(dir)).path, FIRST_RECORD_PAYLOAD);
    await openError(dir);
    await flipByte(dir, WAL_LOSS_KEY, 9);
    const error = await openError(dir);
    expect(error.reports).toHaveLength(1);
    expect(error.reports[0]).toMatch(/^stored report unreadable: crc32c mismatch \(stored \d+, computed \d+\)$/);
  });

  it("an intact write-ahead log opens as before", async () => {
    const dir = await freshDir();
    await writeTwentyBatches(dir);
    const storage = await RaftStorage.open(dir);
    const loaded = await storage.load();
    expect(loaded.entries.map((e) => e.index)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(loaded.corruptions).toEqual([]);
    await storage.close();
  });

  it("walLossReports takes only LevelDB's lines for skipped log records, old info log first, and nothing from a directory without one", async () => {
    const dir = await freshDir();
    expect(await walLossReports(dir)).toEqual([]);
    await writeFile(join(dir, "LOG.old"), "2026/11/28-00:04:40.000001 7f15caf3c6c0 (ignoring error) /d/000002.log: dropping 9 bytes; Corruption: checksum mismatch\n");
    await writeFile(join(dir, "LOG"), [
      "2026/11/28-00:04:42.102658 7f15caf3c6c0 Recovering log #3",
      "2026/11/28-00:04:42.102706 7f15caf3c6c0 (ignoring error) /d/000003.log: dropping 7500 bytes; Corruption: checksum mismatch",
      "2026/11/28-00:04:42.102716 7f15caf3c6c0 Level-0 table #5: started",
      "2026/11/28-00:04:42.102720 7f15caf3c6c0 (ignoring error) /d/000004.log: dropping 32768 bytes; Corruption: bad record length",
      "",
    ].join("\n"));
    expect(await walLossReports(dir)).toEqual([
      "/d/000002.log: dropping 9 bytes; Corruption: checksum mismatch",
      "/d/000003.log: dropping 7500 bytes; Corruption: checksum mismatch",
      "/d/000004.log: dropping 32768 bytes; Corruption: bad record length",
    ]);
  });
});

describe("storage - LevelDB files LevelDB finds corrupt", () => {
  it("a corrupt manifest refuses the directory at open", async () => {
    const dir = await freshDir();
    await writeTwentyBatches(dir);
    await flipFileByte(await levelFile(dir, /^MANIFEST-/), 20);
    const error: unknown = await RaftStorage.open(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LevelDbCorruptionError);
    expect((error as Error).message).toBe(
      `LevelDB finds ${dir} corrupt (Corruption: checksum mismatch), so this node refuses to start on it; ` +
      "move the directory aside to rejoin as an empty member");
  });

  it("a table block LevelDB cannot decompress refuses the directory at load", async () => {
    const dir = await freshDir();
    await writeTwentyBatches(dir);
    // Reopening folds the write-ahead log into a table (LevelDB compresses its blocks).
    await (await RaftStorage.open(dir)).close();
    await flipFileByte(await levelFile(dir, /\.ldb$/), 0, 0x80);
    const storage = await RaftStorage.open(dir);
    const error: unknown = await storage.load().catch((e: unknown) => e);
    await storage.close();
    expect(error).toBeInstanceOf(LevelDbCorruptionError);
    expect((error as Error).message).toBe(
      `LevelDB finds ${dir} corrupt (Corruption: corrupted compressed block contents), so this node refuses to start on it; ` +
      "move the directory aside to rejoin as an empty member");
  });
});
