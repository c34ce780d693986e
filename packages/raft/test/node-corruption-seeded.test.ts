/**
 * Seeded storage corruption under crashes: three nodes on loopback TCP with real LevelDB
 * directories and frequent snapshots. Each round a drawn node (leader or follower) is killed or
 * stopped, up to three drawn bits are flipped in drawn records of its directory (log segments,
 * snapshot meta and chunks, one hard-state copy), and it is reopened (now and then killed again at
 * once, before its repair can end, and reopened once more) while proposals go on. Each
 * corruption the node reports is a checksum mismatch; afterwards every replica holds the same
 * log, and every acknowledged value is in it exactly once.
 */
import { afterEach, describe, expect, it } from "vitest";
import { KeyPrefix, SeededPrng, segmentKeyRange, type NodeId } from "../src/internal";
import { capturingLogger, flipByte, storedKeys, type LogRecord } from "./helpers";
import { AckedTraffic } from "./acked-traffic";
import { TestCluster } from "./node-cluster";
import { waitFor } from "./transport-helpers";

const IDS = ["n1", "n2", "n3"];
const ROUNDS = 6;
/** FLIPS_MAX: bits flipped per round, each in a drawn record (never both hard-state copies). */
const FLIPS_MAX = 3;
const DETECTED = "raft storage: checksum failure detected; untrusted records dropped, repairing from the leader";
const SNAPSHOT_DROPPED = "raft storage: stored snapshot is corrupt; dropping snapshot and log, repairing from the leader";

let started: TestCluster | null = null;
afterEach(async () => {
  await started?.destroy();
  started = null;
});

/**
 * flipDrawnBits flips one bit in each of `count` drawn records of a closed node directory, drawn
 * among those a restart reads: log segments above `snapshotIndex` (the ones at or below it are
 * trailing leftovers that load skips), the snapshot meta and chunks, and one hard-state copy.
 */
async function flipDrawnBits(dir: string, snapshotIndex: number, prng: SeededPrng, count: number): Promise<void> {
  const keys = (await storedKeys(dir)).filter((key) => key[0] !== KeyPrefix.Log || segmentKeyRange(key).last > snapshotIndex);
  let hardCopyFlipped: number | null = null;
  for (let flip = 0; flip < count; flip++) {
    const key = keys[prng.nextInt(keys.length)]!;
    if (key[0] === KeyPrefix.Hard) {
      // Both copies corrupt is a refusal to start, tested on its own in node-corruption.test.ts.
      if (hardCopyFlipped !== null && hardCopyFlipped !== key[1]) continue;
      hardCopyFlipped = key[1]!;
    }
    await flipByte(dir, key, prng.nextInt(1 << 16), 1 << prng.nextInt(8));
  }
}

describe("raft node - seeded storage corruption under crashes", () => {
  it.each([5, 11, 23])("seed %i: flipped bits in a crashed node's records are detected and repaired, losing no acknowledged value", async (seed) => {
    const prng = new SeededPrng(seed);
    const cluster = await TestCluster.start(IDS, { snapshotEntries: 20 + prng.nextInt(150) });
    started = cluster;
    const traffic = new AckedTraffic(cluster);
    /** firstReports: the first corruption each reopening reported (later ones may follow from it). */
    const firstReports: LogRecord[] = [];
    let repairs = 0;
    for (let round = 0; round < ROUNDS; round++) {
      await traffic.run(20 + prng.nextInt(150));
      const victim: NodeId = IDS[prng.nextInt(IDS.length)]!;
      const { snapshotIndex } = cluster.node(victim).status();
      await cluster.stopNode(victim, prng.nextInt(2) === 0 ? "kill" : "stop");
      if (prng.nextInt(2) === 0) await traffic.run(10 + prng.nextInt(100));
      await flipDrawnBits(cluster.dirs.get(victim)!, snapshotIndex, prng, 1 + prng.nextInt(FLIPS_MAX));
      const { logger, records } = capturingLogger();
      let node = await cluster.open(victim, logger);
      if (node.status().repairing) repairs++;
      if (prng.nextInt(3) === 0) {
        // A crash before the repair can end: the stored repair target carries it over the restart.
        await cluster.stopNode(victim, "kill");
        node = await cluster.open(victim, logger);
      }
      const racing = traffic.run(10 + prng.nextInt(200));
      await waitFor(() => !node.status().repairing, `${victim} repaired`, 20_000);
      await racing;
      const found = records.filter((r) => r.msg === DETECTED || r.msg === SNAPSHOT_DROPPED);
      if (found.length > 0) firstReports.push(found[0]!);
    }
    await traffic.run(30);
    await traffic.expectAllAckedOnce();

    // A single flipped bit is always a CRC mismatch, whichever byte of a record it lands in; a
    // dropped snapshot meta is then followed by a gap before the log, reported after it.
    expect(firstReports.length).toBeGreaterThanOrEqual(ROUNDS / 2);
    for (const r of firstReports) expect(String(r.msg === DETECTED ? r.reason : r.err)).toMatch(/crc32c mismatch/);
    expect(repairs).toBeGreaterThan(0);
    expect(traffic.acked.length).toBeGreaterThan(300);
  });
});
