/**
 * Seeded damage to LevelDB's own files under crashes: three nodes on loopback TCP with real
 * LevelDB directories. Each round a drawn node (leader or follower) is killed or stopped, one or
 * two drawn bits are flipped in its LevelDB files (write-ahead log, manifest, tables), and it is
 * reopened. LevelDB's own checksums catch most of these below ours; the node then refuses the
 * directory with a typed error, and the operator's remedy (move it aside) brings it back as an
 * empty member that catches up. One fault at a time: the node has caught up before the next round.
 * Afterwards every replica holds the same log, and every acknowledged value is in it exactly once.
 */
import { readdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { LevelDbCorruptionError, SeededPrng, WriteAheadLogLossError, type NodeId } from "../src/internal";
import { removeDir } from "./helpers";
import { AckedTraffic } from "./acked-traffic";
import { TestCluster } from "./node-cluster";
import { waitFor } from "./transport-helpers";

const IDS = ["n1", "n2", "n3"];
const ROUNDS = 6;
/** LEVELDB_FILE: the files LevelDB reads at open or load (its info log and lock are not data). */
const LEVELDB_FILE = /^(\d{6}\.(log|ldb)|MANIFEST-\d{6})$/;
/** WRITE_AHEAD_LOG: the first round damages only this, so every seed meets a skipped record. */
const WRITE_AHEAD_LOG = /^\d{6}\.log$/;

let started: TestCluster | null = null;
const movedAside: string[] = [];
afterEach(async () => {
  await started?.destroy();
  started = null;
  await Promise.all(movedAside.splice(0).map(removeDir));
});

type FileKind = "manifest" | "log" | "table";

/** flipDrawnFileBit flips one drawn bit of one drawn file matching `files` in a closed node directory; it returns the file's kind. */
async function flipDrawnFileBit(dir: string, prng: SeededPrng, files: RegExp): Promise<FileKind | null> {
  const names = (await readdir(dir)).filter((file) => files.test(file)).sort();
  const file = names[prng.nextInt(names.length)]!;
  const content = await readFile(join(dir, file));
  if (content.length === 0) return null;
  const at = prng.nextInt(content.length);
  content[at] = content[at]! ^ (1 << prng.nextInt(8));
  await writeFile(join(dir, file), content);
  return file.startsWith("MANIFEST") ? "manifest" : file.endsWith(".log") ? "log" : "table";
}

/**
 * expectedRefusal: LevelDB reads its manifest first and refuses a bad one; then it replays the
 * write-ahead log, and every byte of it lies in a checksummed record (or a block trailer of at most
 * six bytes): a flipped bit there is a skipped record. A flipped table bit may lie in data the
 * load never reads, or in a record whose own checksum then repairs it: no refusal is required.
 */
function expectedRefusal(kinds: ReadonlySet<FileKind | null>): string | null {
  if (kinds.has("manifest")) return LevelDbCorruptionError.name;
  if (kinds.has("log")) return WriteAheadLogLossError.name;
  return null;
}

describe("raft node - seeded damage to LevelDB's files under crashes", () => {
  it.each([2, 13, 31])("seed %i: a damaged node refuses its directory with a typed error or repairs; moved aside, it catches up, losing no acknowledged value", async (seed) => {
    const prng = new SeededPrng(seed);
    const cluster = await TestCluster.start(IDS, { snapshotEntries: 50 + prng.nextInt(300) });
    started = cluster;
    const traffic = new AckedTraffic(cluster);
    const refusals: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      await traffic.run(50 + prng.nextInt(400));
      const victim: NodeId = IDS[prng.nextInt(IDS.length)]!;
      const dir = cluster.dirs.get(victim)!;
      await cluster.stopNode(victim, prng.nextInt(2) === 0 ? "kill" : "stop");
      if (prng.nextInt(2) === 0) await traffic.run(10 + prng.nextInt(100));
      const kinds = new Set<FileKind | null>();
      for (let flips = 1 + prng.nextInt(2); flips > 0; flips--) kinds.add(await flipDrawnFileBit(dir, prng, round === 0 ? WRITE_AHEAD_LOG : LEVELDB_FILE));
      const expected = expectedRefusal(kinds);
      let node = await cluster.open(victim).catch((error: unknown) => error as Error);
      if (node instanceof Error) {
        expect([WriteAheadLogLossError.name, LevelDbCorruptionError.name]).toContain(node.name);
        if (expected !== null) expect(node.name).toBe(expected);
        refusals.push(node.name);
        const aside = `${dir}.damaged-${round}`;
        await rename(dir, aside);
        movedAside.push(aside);
        node = await cluster.open(victim);
      } else {
        expect(expected).toBeNull();
      }
      const racing = traffic.run(10 + prng.nextInt(200));
      await waitFor(() => !node.status().repairing, `${victim} repaired`, 20_000);
      await racing;
      const target = (await cluster.waitForLeader()).status().commit;
      await waitFor(() => node.status().applied >= target, `${victim} caught up`, 20_000);
    }
    await traffic.run(30);
    await traffic.expectAllAckedOnce();

    expect(refusals.length).toBeGreaterThanOrEqual(ROUNDS / 2);
    expect(refusals).toContain(WriteAheadLogLossError.name);
    expect(traffic.acked.length).toBeGreaterThan(1000);
  });
});
