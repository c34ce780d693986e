/**
 * Snapshot scenarios: a slow node restored through a snapshot, snapshots at or below the
 * commit index ignored, and installing a newer snapshot through Ready.snapshot.
 */
import { describe, expect, it } from "vitest";
import { MessageType, TraceEventKind, type SnapshotMeta } from "../harness/raft";
import { drain, newCore } from "../harness/helpers";
import { TestNetwork } from "../harness/network";

const snapshotMessage = (meta: SnapshotMeta) =>
  ({ type: MessageType.Snapshot, from: "n2", to: "n1", term: 1, meta }) as const;

describe("snapshots", () => {
  it("a slow node behind the compaction point is restored through a snapshot, then continues from the log (TestSlowNodeRestore)", () => {
    const net = new TestNetwork(["n1", "n2", "n3"]);
    net.elect("n1");
    net.isolate("n3");
    const payloads = Array.from({ length: 20 }, (_, i) => `m${i}`);
    for (const payload of payloads) net.propose("n1", payload);
    net.compact("n1", 0);
    expect(net.core("n1").status()).toMatchObject({ firstIndex: 22, lastIndex: 21, commit: 21 });

    net.recover();
    net.run(1, ["n1"]);
    net.propose("n1", "after");

    expect(net.eventKinds("n1")).toContain(TraceEventKind.SnapshotSent);
    const installed = net.node("n3").events.filter((e) => e.kind === TraceEventKind.SnapshotInstalled);
    expect(installed).toEqual([{ kind: TraceEventKind.SnapshotInstalled, node: "n3", term: 1, index: 21, snapshotTerm: 1 }]);
    expect(net.node("n3").disk.applied).toEqual([...payloads, "after"]);
    expect(net.core("n3").status()).toMatchObject({ commit: 22, applied: 22, firstIndex: 22, lastIndex: 22 });
    expect(net.core("n1").status().progress["n3"]).toMatchObject({ match: 22, next: 23, state: "replicate" });
  });

  it("compaction keeps trailing entries so a slightly lagging follower catches up from the log, without a snapshot", () => {
    const net = new TestNetwork(["n1", "n2", "n3"]);
    net.elect("n1");
    net.isolate("n3");
    for (let i = 0; i < 5; i++) net.propose("n1", `m${i}`);
    net.compact("n1", 10);
    expect(net.core("n1").status().firstIndex).toBe(1);

    net.recover();
    net.run(1, ["n1"]);

    expect(net.eventKinds("n1")).not.toContain(TraceEventKind.SnapshotSent);
    expect(net.node("n3").disk.applied).toEqual(["m0", "m1", "m2", "m3", "m4"]);
  });

  it("a snapshot at or older than the commit index is ignored (TestRestoreIgnoreSnapshot)", () => {
    for (const index of [2, 3]) {
      const core = newCore("n1", { term: 1, logTerms: [1, 1, 1], commit: 3 });
      drain(core);
      core.step(snapshotMessage({ index, term: 1, peers: ["n1", "n2", "n3"] }));
      const rd = drain(core);
      expect(rd?.snapshot).toBeNull();
      expect(rd?.messages).toEqual([
        { type: MessageType.AppendResponse, from: "n1", to: "n2", term: 1, reject: false, index: 3, rejectHint: null },
      ]);
      expect(rd?.events.filter((e) => e.kind === TraceEventKind.SnapshotIgnored)).toEqual([
        { kind: TraceEventKind.SnapshotIgnored, node: "n1", term: 1, index, commit: 3 },
      ]);
      expect(core.status()).toMatchObject({ commit: 3, firstIndex: 1, lastIndex: 3 });
    }
  });

  it("a snapshot whose last entry the follower already holds only fast-forwards the commit (TestRestoreIgnoreSnapshot)", () => {
    const core = newCore("n1", { term: 1, logTerms: [1, 1, 1], commit: 1 });
    drain(core);
    core.step(snapshotMessage({ index: 3, term: 1, peers: ["n1", "n2", "n3"] }));
    const rd = drain(core);
    expect(rd?.snapshot).toBeNull();
    expect(rd?.committed.map((e) => e.index)).toEqual([2, 3]);
    expect(core.status()).toMatchObject({ commit: 3, firstIndex: 1, lastIndex: 3 });
  });

  it("a follower installs a newer snapshot through Ready.snapshot and acknowledges its index (TestRestoreFromSnapMsg)", () => {
    const core = newCore("n1", { term: 1, logTerms: [1, 1], commit: 1 });
    drain(core);
    const meta = { index: 11, term: 1, peers: ["n1", "n2", "n3"] };
    core.step(snapshotMessage(meta));
    expect(core.status()).toMatchObject({ commit: 11, applied: 1, firstIndex: 12, lastIndex: 11, leader: "n2" });
    const rd = drain(core);
    expect(rd?.snapshot).toEqual(meta);
    expect(rd?.committed).toEqual([]);
    expect(rd?.hardState).toEqual({ term: 1, vote: null, commit: 11 });
    expect(rd?.messages).toEqual([
      { type: MessageType.AppendResponse, from: "n1", to: "n2", term: 1, reject: false, index: 11, rejectHint: null },
    ]);
    expect(core.status()).toMatchObject({ applied: 11 });
  });

  it("a failed snapshot send returns the follower to probing, and the leader offers the snapshot again", () => {
    const net = new TestNetwork(["n1", "n2", "n3"]);
    net.elect("n1");
    net.isolate("n3");
    for (let i = 0; i < 3; i++) net.propose("n1", `m${i}`);
    net.compact("n1", 0);
    net.recover();
    net.ignore(MessageType.Snapshot);
    // The harness, like a driver, reports the lost snapshot: reportSnapshot("n3", false).
    net.run(1, ["n1"]);
    expect(net.core("n1").status().progress["n3"]).toMatchObject({ state: "probe", match: 1, next: 2 });
    expect(net.node("n1").events.filter((e) => e.kind === TraceEventKind.SnapshotSent)).toHaveLength(1);
    net.recover();
    net.run(1, ["n1"]);

    expect(net.node("n3").disk.applied).toEqual(["m0", "m1", "m2"]);
    expect(net.node("n1").events.filter((e) => e.kind === TraceEventKind.SnapshotSent)).toHaveLength(2);
  });
});
