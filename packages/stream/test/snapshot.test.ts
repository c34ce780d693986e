import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SnapshotCorruptError, type StreamStore } from "../src/index";
import { SNAPSHOT_CHUNK_BYTES_MAX } from "../src/limits";
import { messageKey, streamKeyPrefix } from "../src/keys";
import { ChunkKind, encodeChunk, encodeEndPayload, encodeRecords, recordBytes } from "../src/snapshot-format";
import { recoverSwap } from "../src/store-files";
import { Applier, bytes, chunksOf, collect, config, dumpDb, msg, openStore, SECOND_NS, T0, tempDir } from "./helpers";

async function populated(dir: string, payloadBytes = 16): Promise<StreamStore> {
  const store = await openStore(dir);
  const a = new Applier(store);
  await a.apply({ op: "stream.create", config: config({ name: "S", subjects: ["s.>"], allow_msg_ttl: true }) });
  await a.apply({ op: "stream.create", config: config({ name: "M", subjects: ["m"], storage: "memory" }) });
  for (let seq = 1; seq <= 40; seq++) {
    await a.apply(msg("S", seq, `s.${seq % 5}`, { msgId: `id${seq}`, data: new Uint8Array(payloadBytes).fill(seq), ttlNs: seq % 7 === 0 ? 60n * SECOND_NS : undefined }));
  }
  await a.apply({ op: "msg.delete", stream: "S", seq: 7 });
  await a.apply(msg("M", 1, "m", { headers: bytes("NATS/1.0\r\nX: y\r\n\r\n") }));
  return store;
}

function views(store: StreamStore) {
  return store.streams().map((v) => ({ config: v.config, state: v.state(), dedupe: v.dedupe("id3"), last: v.subjectLastSeq("s.*") }));
}

describe("snapshot and restore", () => {
  it("restores into a fresh directory with identical state and identical stored bytes", async () => {
    const sourceDir = await tempDir();
    const source = await populated(sourceDir);
    const chunks = await collect(source.snapshot());
    expect(chunks.length).toBe(2);
    const targetDir = await tempDir();
    const target = await openStore(targetDir);
    await target.restore(chunksOf(chunks));
    expect(target.appliedIndex).toBe(source.appliedIndex);
    expect(views(target)).toEqual(views(source));
    expect(await target.view("S")?.getMessage(8)).toEqual(await source.view("S")?.getMessage(8));
    await source.close();
    await target.close();
    expect(await dumpDb(join(targetDir, "db"))).toEqual(await dumpDb(join(sourceDir, "db")));
    expect((await readdir(targetDir)).sort()).toEqual(["db"]);
  });

  it("the restored store keeps applying where the snapshot left off", async () => {
    const source = await populated(await tempDir());
    const target = await openStore();
    await target.restore(source.snapshot());
    expect(await target.apply(source.appliedIndex, msg("S", 41, "s.x"))).toEqual({ kind: "replayed", raftIndex: source.appliedIndex });
    expect(await target.apply(source.appliedIndex + 1, msg("S", 41, "s.x", { timestampNs: T0 + 41n * SECOND_NS }))).toMatchObject({ kind: "stored", seq: 41 });
  });

  it("bounds every chunk by SNAPSHOT_CHUNK_BYTES_MAX", async () => {
    const source = await populated(await tempDir(), 256 * 1024);
    const chunks = await collect(source.snapshot());
    expect(chunks.length).toBeGreaterThan(2);
    for (const chunk of chunks) expect(chunk.length).toBeLessThanOrEqual(SNAPSHOT_CHUNK_BYTES_MAX);
    const target = await openStore();
    await target.restore(chunksOf(chunks));
    expect(views(target)).toEqual(views(source));
  });

  describe("a bad snapshot leaves the target unchanged", () => {
    async function attempt(mutate: (chunks: Uint8Array[]) => Uint8Array[], message: string) {
      const source = await populated(await tempDir());
      const chunks = await collect(source.snapshot());
      const targetDir = await tempDir();
      const target = await openStore(targetDir);
      const a = new Applier(target);
      await a.apply({ op: "stream.create", config: config({ name: "OTHER", subjects: ["o"] }) });
      await a.apply(msg("OTHER", 1, "o"));
      const before = views(target);
      const restoring = target.restore(chunksOf(mutate(chunks.map((c) => c.slice()))));
      await expect(restoring).rejects.toThrow(SnapshotCorruptError);
      await expect(restoring).rejects.toThrow(message);
      expect(views(target)).toEqual(before);
      expect(await a.apply(msg("OTHER", 2, "o"))).toMatchObject({ kind: "stored", seq: 2 });
      await target.close();
      expect((await readdir(targetDir)).sort()).toEqual(["db"]);
      const dump = await dumpDb(join(targetDir, "db"));
      expect(dump.filter(([key]) => key.startsWith("03"))).toHaveLength(2);
    }

    it("corrupt payload byte", async () => {
      await attempt((chunks) => {
        const first = chunks[0] as Uint8Array;
        first[100] = (first[100] as number) ^ 0xff;
        return chunks;
      }, "snapshot chunk 0: checksum mismatch (stored 0x");
    });

    it("missing end chunk", async () => {
      await attempt((chunks) => chunks.slice(0, -1), "snapshot truncated: no end chunk after 1 chunks");
    });

    it("chunks out of order", async () => {
      await attempt((chunks) => [chunks[1] as Uint8Array, chunks[0] as Uint8Array], "snapshot chunk 0: out of order (index 1)");
    });

    it("data after the end chunk", async () => {
      await attempt((chunks) => [...chunks, chunks[0] as Uint8Array], "snapshot chunk 2: data after the end chunk");
    });

    it("bad magic", async () => {
      await attempt((chunks) => {
        (chunks[0] as Uint8Array)[0] = 0;
        return chunks;
      }, "snapshot chunk 0: bad magic 0x4c534e");
    });

    it("short chunk", async () => {
      await attempt(() => [new Uint8Array(5)], "snapshot chunk 0: 5 bytes is shorter than the 17-byte header");
    });

    it("checksummed but inconsistent content (a message of an unknown stream)", async () => {
      const record = { key: messageKey(streamKeyPrefix("GHOST"), 1), value: new Uint8Array([1, 2, 3]) };
      const forged = [
        encodeChunk(ChunkKind.Data, 0, encodeRecords([record], recordBytes(record))),
        encodeChunk(ChunkKind.End, 1, encodeEndPayload(1)),
      ];
      await attempt(() => forged, "snapshot content is inconsistent");
    });

    it("a source that fails midway", async () => {
      const source = await populated(await tempDir());
      const chunks = await collect(source.snapshot());
      const target = await openStore();
      const before = views(target);
      async function* failing(): AsyncIterable<Uint8Array> {
        yield chunks[0] as Uint8Array;
        throw new Error("connection reset");
      }
      await expect(target.restore(failing())).rejects.toThrow("connection reset");
      expect(views(target)).toEqual(before);
    });

    it("record count mismatch", async () => {
      await attempt((chunks) => [chunks[0] as Uint8Array, encodeChunk(ChunkKind.End, 1, encodeEndPayload(3))], "snapshot chunk 1: end chunk counts 3 records, received");
    });
  });
});

describe("restore swap recovery", () => {
  async function layout(parts: string[]): Promise<string> {
    const root = await tempDir();
    for (const part of parts) {
      await mkdir(join(root, part), { recursive: true });
      await writeFile(join(root, part, "marker"), part);
    }
    return root;
  }

  it.each([
    [["db", "db.old"], "db"],
    [["db.old", "db.restore"], "db.restore"],
    [["db", "db.restore"], "db"],
    [["db"], "db"],
  ])("%j keeps the state of %s as db", async (before, survivor) => {
    const root = await layout(before);
    await recoverSwap(join(root, "db"));
    expect(await readdir(root)).toEqual(["db"]);
    expect(await readFile(join(root, "db", "marker"), "utf8")).toBe(survivor);
  });
});
