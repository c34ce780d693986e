/**
 * Leadership transfer: to an up-to-date node, to a slow follower (caught up first), abandoned
 * after an election timeout, with proposals refused while it runs.
 */
import { describe, expect, it } from "vitest";
import {
  InvalidTransferTargetError,
  LeaderTransferInProgressError,
  MessageType,
  NotLeaderError,
  Role,
  TraceEventKind,
  TransferAbortReason,
} from "../harness/raft";
import { text } from "../harness/helpers";
import { TestNetwork } from "../harness/network";

const transferEvents = (net: TestNetwork, id: string) =>
  net.node(id).events.filter((e) => e.kind.startsWith("transfer"));

describe("leader transfer", () => {
  it("leader transfer to an up-to-date node: TimeoutNow at once, the target wins the next term (TestLeaderTransferToUpToDateNode)", () => {
    const net = new TestNetwork(["n1", "n2", "n3"]);
    net.elect("n1");
    net.propose("n1", "x");

    net.core("n1").transferLeadership("n2");
    net.stabilize();

    const timeoutNow = net.delivered.filter((m) => m.type === MessageType.TimeoutNow);
    expect(timeoutNow).toEqual([{ type: MessageType.TimeoutNow, from: "n1", to: "n2", term: 1 }]);
    expect(net.core("n2").status()).toMatchObject({ role: Role.Leader, term: 2 });
    expect(net.core("n1").status()).toMatchObject({ role: Role.Follower, term: 2, leader: "n2", transferTarget: null });
    expect(transferEvents(net, "n1")).toEqual([
      { kind: TraceEventKind.TransferStarted, node: "n1", term: 1, target: "n2" },
      { kind: TraceEventKind.TransferCompleted, node: "n1", term: 1, target: "n2" },
    ]);
    // The transfer bypasses pre-vote and the followers' leader lease.
    expect(net.eventKinds("n2")).toContain(TraceEventKind.BecameCandidate);
  });

  it("leader transfer to a slow follower: the leader catches it up first, then sends TimeoutNow (TestLeaderTransferToSlowFollower)", () => {
    const net = new TestNetwork(["n1", "n2", "n3"]);
    net.elect("n1");
    net.isolate("n3");
    net.propose("n1", "missed by n3");
    net.recover();
    expect(net.core("n1").status().progress["n3"]?.match).toBe(1);

    net.core("n1").transferLeadership("n3");
    expect(net.core("n1").status().transferTarget).toBe("n3");
    net.stabilize();

    expect(net.core("n3").status()).toMatchObject({ role: Role.Leader, term: 2 });
    expect(net.node("n3").disk.applied).toEqual(["missed by n3"]);
    // TimeoutNow went out only after n3 acknowledged the leader's last index (2).
    const caughtUp = net.delivered.findIndex(
      (m) => m.type === MessageType.AppendResponse && m.from === "n3" && !m.reject && m.index === 2,
    );
    const timeoutNow = net.delivered.findIndex((m) => m.type === MessageType.TimeoutNow);
    expect(caughtUp).toBeGreaterThanOrEqual(0);
    expect(timeoutNow).toBeGreaterThan(caughtUp);
    expect(net.delivered[timeoutNow]).toEqual({ type: MessageType.TimeoutNow, from: "n1", to: "n3", term: 1 });
    const rejected = net.delivered.filter((m) => m.type === MessageType.AppendResponse && m.from === "n3" && m.reject);
    expect(rejected).toHaveLength(1);
  });

  it("leader transfer times out after an election timeout and leadership stays (TestLeaderTransferTimeout)", () => {
    const net = new TestNetwork(["n1", "n2", "n3"]);
    net.elect("n1");
    net.isolate("n3");
    net.core("n1").transferLeadership("n3");

    net.run(9, ["n1"]);
    expect(net.core("n1").status().transferTarget).toBe("n3");
    net.run(1, ["n1"]);

    expect(net.core("n1").status()).toMatchObject({ role: Role.Leader, term: 1, transferTarget: null });
    expect(transferEvents(net, "n1")).toEqual([
      { kind: TraceEventKind.TransferStarted, node: "n1", term: 1, target: "n3" },
      { kind: TraceEventKind.TransferAborted, node: "n1", term: 1, target: "n3", reason: TransferAbortReason.Timeout },
    ]);
    expect(net.core("n1").propose(text("after abort"))).toEqual({ index: 2, term: 1 });
  });

  it("leader transfer refuses proposals while it runs (TestLeaderTransferIgnoreProposal)", () => {
    const net = new TestNetwork(["n1", "n2", "n3"]);
    net.elect("n1");
    net.isolate("n3");
    net.core("n1").transferLeadership("n3");
    const before = net.core("n1").status().lastIndex;

    expect(() => net.core("n1").propose(text("refused"))).toThrow(LeaderTransferInProgressError);
    let error: unknown;
    try {
      net.core("n1").propose(text("refused"));
    } catch (caught) {
      error = caught;
    }
    expect(error).toMatchObject({ code: "leader_transfer_in_progress", retryable: true, transferTarget: "n3" });
    expect((error as Error).message).toBe("leadership transfer to n3 in progress");
    expect(net.core("n1").status().lastIndex).toBe(before);
    net.stabilize();
    expect(net.node("n1").events.filter((e) => e.kind === TraceEventKind.ProposalRefused)).toHaveLength(2);
  });

  it("leader transfer rejects a non-member, ignores the leader itself, and is refused on a follower", () => {
    const net = new TestNetwork(["n1", "n2", "n3"]);
    net.elect("n1");
    expect(() => net.core("n1").transferLeadership("n9")).toThrow(
      new InvalidTransferTargetError("n9").message,
    );
    net.core("n1").transferLeadership("n1");
    expect(net.core("n1").status()).toMatchObject({ role: Role.Leader, transferTarget: null });
    expect(() => net.core("n2").transferLeadership("n3")).toThrow(NotLeaderError);
  });
});
