/**
 * Node tests for checksummed storage: a flipped byte in a stored record is detected on restart,
 * logged, the untrusted part dropped, and the node repaired from the leader with nothing lost.
 */
import { afterEach, describe, expect, it } from "vitest";
import { rename } from "node:fs/promises";
import {
  RaftNode, RaftStorage, StorageCorruptionError, WriteAheadLogLossError, hardKey, printKey, segmentKeyRange, snapKey,
} from "../src/internal";
import { capturingLogger, flipByte, flipFileByte, removeDir, segmentHolding, tempDir, writeAheadLog } from "./helpers";
import { TestCluster, proposeAll, type ClusterOptions } from "./node-cluster";
import { HashChainStateMachine } from "./state-machine-fixture";
import { waitFor } from "./transport-helpers";

let started: TestCluster | null = null;
afterEach(async () => {
  await started?.destroy();
  started = null;
});

/** startCommitted starts three nodes, commits `count` proposals and waits until all applied them. */
async function startCommitted(
  count: number, options: ClusterOptions = {},
): Promise<{ cluster: TestCluster; leader: RaftNode; lastIndex: number }> {
  const cluster = await TestCluster.start(["n1", "n2", "n3"], options);
  started = cluster;
  const leader = await cluster.waitForLeader();
  const lastIndex = Math.max(...(await proposeAll(leader, 0, count, 20)));
  await cluster.waitApplied(lastIndex);
  return { cluster, leader, lastIndex };
}

describe("raft node - checksum corruption", () => {
  it("a flipped byte in a log record is detected, the log truncated, and the node repaired", async () => {
    const { cluster, leader, lastIndex } = await startCommitted(300);
    const victim = cluster.ids.find((id) => id !== leader.id)!;
    const valuesBefore = [...cluster.sm(victim).values];
    await cluster.stopNode(victim, "stop");
    const segment = await segmentHolding(cluster.dirs.get(victim)!, 150);
    const { first } = segmentKeyRange(segment);
    await flipByte(cluster.dirs.get(victim)!, segment, 11);

    const { logger, records } = capturingLogger();
    const node = await cluster.open(victim, logger);
    const detected = records.find((r) => r.msg.startsWith("raft storage: checksum failure detected"));
    expect(detected).toMatchObject({ level: 50, key: printKey(segment), repairTargetIndex: lastIndex });
    expect(String(detected!.reason)).toMatch(/^crc32c mismatch/);
    const early = node.status();
    expect(early.repairing).toBe(true);
    expect(early.lastIndex).toBe(first - 1);
    expect(early.commit).toBeLessThanOrEqual(first - 1);

    await waitFor(() => !node.status().repairing, "repair complete", 10_000);
    await cluster.waitApplied(lastIndex);
    expect(records.some((r) => r.msg === "raft node: repair complete; voting again")).toBe(true);
    expect(cluster.sm(victim).values).toEqual(valuesBefore);
    const now = await cluster.waitForLeader();
    const more = await proposeAll(now, 300, 50, 10);
    await cluster.waitApplied(Math.max(...more));
    expect(new Set(cluster.ids.map((id) => cluster.sm(id).hash)).size).toBe(1);
    expect(cluster.sm(victim).values).toHaveLength(350);
  });

  it("a repairing node does not vote, so it cannot help elect a leader that may lack its entries", async () => {
    const { cluster, leader, lastIndex } = await startCommitted(200);
    const [victim, other] = cluster.ids.filter((id) => id !== leader.id) as [string, string];
    for (const id of cluster.ids) await cluster.stopNode(id, "stop");
    await flipByte(cluster.dirs.get(victim)!, await segmentHolding(cluster.dirs.get(victim)!, 100), 11);

    const { logger, records } = capturingLogger();
    await cluster.open(victim, logger);
    await cluster.open(other);
    await new Promise((r) => setTimeout(r, 1500));
    // The other node campaigns, but only the repairing node could give it a majority.
    expect(cluster.running().map((id) => cluster.node(id).status().role)).not.toContain("leader");
    expect(cluster.node(victim).status().repairing).toBe(true);
    expect(records.some((r) => r.msg === "raft node: repairing; vote request ignored" && r.from === other)).toBe(true);

    await cluster.open(leader.id);
    await cluster.waitForLeader();
    await waitFor(() => !cluster.node(victim).status().repairing, "repair complete", 10_000);
    await cluster.waitApplied(lastIndex);
    expect(new Set(cluster.ids.map((id) => cluster.sm(id).hash)).size).toBe(1);
  });

  it("a node restarted before its repair ends resumes it: it still refuses votes until the leader repairs it", async () => {
    const { cluster, leader, lastIndex } = await startCommitted(200);
    const [victim, other] = cluster.ids.filter((id) => id !== leader.id) as [string, string];
    for (const id of cluster.ids) await cluster.stopNode(id, "stop");
    await flipByte(cluster.dirs.get(victim)!, await segmentHolding(cluster.dirs.get(victim)!, 100), 11);
    const first = await cluster.open(victim);
    expect(first.status().repairing).toBe(true);
    await cluster.stopNode(victim, "kill");

    // The dropped records are gone now: only the stored repair target remembers the loss.
    const { logger, records } = capturingLogger();
    const again = await cluster.open(victim, logger);
    expect(again.status().repairing).toBe(true);
    expect(again.status().lastIndex).toBeLessThan(100);
    expect(records.find((r) => r.msg === "raft storage: repair unfinished before the restart; resuming it"))
      .toMatchObject({ level: 40, repairTargetIndex: lastIndex });
    await cluster.open(other);
    await new Promise((r) => setTimeout(r, 1500));
    expect(cluster.running().map((id) => cluster.node(id).status().role)).not.toContain("leader");
    expect(records.some((r) => r.msg === "raft node: repairing; vote request ignored" && r.from === other)).toBe(true);

    await cluster.open(leader.id);
    await cluster.waitForLeader();
    await waitFor(() => !again.status().repairing, "repair complete", 10_000);
    await cluster.waitApplied(lastIndex);
    expect(new Set(cluster.ids.map((id) => cluster.sm(id).hash)).size).toBe(1);
  });

  it("a flipped byte in a stored snapshot chunk drops snapshot and log; the leader's snapshot repairs it", async () => {
    const snapshots = { snapshotEntries: 200, snapshotTrailingEntries: 20, snapshotChunkBytes: 512 };
    const { cluster, leader, lastIndex } = await startCommitted(700, snapshots);
    const victim = cluster.ids.find((id) => id !== leader.id)!;
    await waitFor(() => cluster.node(victim).status().snapshotIndex >= 600, "victim snapshot");
    const valuesBefore = [...cluster.sm(victim).values];
    await cluster.stopNode(victim, "stop");
    const storage = await RaftStorage.open(cluster.dirs.get(victim)!);
    const gen = (await storage.load()).snapshot!.gen;
    await storage.close();
    await flipByte(cluster.dirs.get(victim)!, snapKey(gen, 1), 100);

    const { logger, records } = capturingLogger();
    const node = await cluster.open(victim, logger);
    const detected = records.find((r) => r.msg.startsWith("raft storage: stored snapshot is corrupt"));
    expect(detected).toMatchObject({ level: 50 });
    expect(String(detected!.err)).toMatch(new RegExp(`^storage record S/${gen}/1 is corrupt: crc32c mismatch`));
    expect(node.status()).toMatchObject({ repairing: true, lastIndex: 0, commit: 0, snapshotIndex: 0 });
    await waitFor(() => !node.status().repairing, "repair complete", 10_000);
    await cluster.waitApplied(lastIndex);
    expect(records.some((r) => r.msg === "raft node: installed snapshot from the leader")).toBe(true);
    expect(cluster.sm(victim).values).toEqual(valuesBefore);
    expect(new Set(cluster.ids.map((id) => cluster.sm(id).hash)).size).toBe(1);
  });

  it("both hard-state copies corrupt: open refuses with StorageCorruptionError and releases the directory", async () => {
    const dir = await tempDir("hard");
    try {
      const storage = await RaftStorage.open(dir);
      await storage.load();
      await storage.persist({ hardState: { term: 3, vote: "n2", commit: 0 }, entries: [], snapshot: null, compactedThrough: null });
      await storage.close();
      await flipByte(dir, hardKey(0), 5);
      await flipByte(dir, hardKey(1), 5);
      const opening = RaftNode.open({
        id: "n1", members: ["n1", "n2", "n3"], dataDir: dir, stateMachine: new HashChainStateMachine(),
        cluster: "test", secret: "s3cret",
      });
      await expect(opening).rejects.toThrow(StorageCorruptionError);
      await expect(opening).rejects.toThrow("storage record h/* is corrupt: both hard-state copies are corrupt");
      const again = await RaftStorage.open(dir);
      await again.close();
    } finally {
      await removeDir(dir);
    }
  });

  it("a node whose LevelDB skipped write-ahead-log records refuses to start, on every retry; moved aside, it rejoins empty", async () => {
    const { cluster, leader, lastIndex } = await startCommitted(200);
    const victim = cluster.ids.find((id) => id !== leader.id)!;
    const dir = cluster.dirs.get(victim)!;
    await cluster.stopNode(victim, "kill");
    const wal = await writeAheadLog(dir);
    // A byte inside the first record's payload: LevelDB skips that record's whole 32 KiB block.
    await flipFileByte(wal.path, 20);
    const report = `${wal.path}: dropping ${Math.min(wal.size, 32 * 1024)} bytes; Corruption: checksum mismatch`;
    const refusal = `LevelDB dropped write-ahead-log records of ${dir} (${report}): entries this node acknowledged, ` +
      "its term and its vote may be lost, so it refuses to start on this directory; move the directory aside " +
      "to rejoin as an empty member";
    await expect(cluster.open(victim)).rejects.toThrow(WriteAheadLogLossError);
    const more = await proposeAll(leader, 200, 50, 10);
    expect(Math.max(...more)).toBe(lastIndex + 50);
    await expect(cluster.open(victim)).rejects.toThrow(refusal);

    await rename(dir, `${dir}.lost`);
    try {
      const fresh = await cluster.open(victim);
      expect(fresh.status().lastIndex).toBe(0);
      await cluster.waitApplied(lastIndex + 50);
      expect(new Set(cluster.ids.map((id) => cluster.sm(id).hash)).size).toBe(1);
      expect(cluster.sm(victim).values).toHaveLength(250);
    } finally {
      await removeDir(`${dir}.lost`);
    }
  });
});
