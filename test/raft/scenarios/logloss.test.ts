/**
 * Lost storage (design.md decision 5): a follower that lost entries it acknowledged is
 * repaired from the leader instead of crashing or being probed above its log forever.
 */
import { describe, expect, it } from "vitest";
import { MessageType, TraceEventKind } from "../harness/raft";
import { TestNetwork } from "../harness/network";

describe("lost follower storage", () => {
  it("a wiped follower detects the loss from a heartbeat, the leader resets its match and repairs it from the log", () => {
    const net = new TestNetwork(["n1", "n2", "n3"]);
    net.elect("n1");
    for (const payload of ["a", "b", "c"]) net.propose("n1", payload);
    expect(net.core("n1").status().progress["n3"]).toMatchObject({ match: 4, state: "replicate" });

    net.wipe("n3");
    net.run(1, ["n1"]);

    expect(net.node("n3").events.filter((e) => e.kind === TraceEventKind.LogLossDetected)).toEqual([
      { kind: TraceEventKind.LogLossDetected, node: "n3", term: 1, lastIndex: 0, leaderCommit: 4 },
    ]);
    const notice = net.delivered.find((m) => m.type === MessageType.AppendResponse && m.from === "n3" && m.reject);
    expect(notice).toEqual({
      type: MessageType.AppendResponse,
      from: "n3",
      to: "n1",
      term: 1,
      reject: true,
      index: 4,
      rejectHint: { index: 0, term: 0 },
      logLoss: true,
    });
    expect(net.node("n1").events.filter((e) => e.kind === TraceEventKind.MatchReset)).toEqual([
      { kind: TraceEventKind.MatchReset, node: "n1", term: 1, peer: "n3", from: 4, to: 0 },
    ]);
    expect(net.node("n3").disk.applied).toEqual(["a", "b", "c"]);
    expect(net.core("n3").status()).toMatchObject({ commit: 4, lastIndex: 4, term: 1, leader: "n1" });
    expect(net.core("n1").status().progress["n3"]).toMatchObject({ match: 4, state: "replicate" });
  });

  it("a wiped follower behind the compaction point is repaired through a snapshot", () => {
    const net = new TestNetwork(["n1", "n2", "n3"]);
    net.elect("n1");
    for (const payload of ["a", "b"]) net.propose("n1", payload);
    net.compact("n1", 0);

    net.wipe("n3");
    net.run(1, ["n1"]);

    expect(net.eventKinds("n1")).toContain(TraceEventKind.SnapshotSent);
    expect(net.node("n3").disk.applied).toEqual(["a", "b"]);
    expect(net.core("n3").status()).toMatchObject({ commit: 3, firstIndex: 4, lastIndex: 3 });
  });
});
