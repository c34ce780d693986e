/** RepairGate unit tests: which messages reach the core, whom to probe, and when a repair ends. */
import { describe, expect, it } from "vitest";
import { MemoryRepairTargetStore, MessageType, RepairGate, type Message } from "../src/internal";

function gate(store = new MemoryRepairTargetStore()): { gate: RepairGate; store: MemoryRepairTargetStore; log: string[] } {
  const log: string[] = [];
  const repairGate = new RepairGate("n3", ["n1", "n2", "n3"], store, {
    joined: (from, target) => log.push(`joined ${from} ${target}`),
    termsKnown: () => log.push("terms known"),
    raised: (from, target, previous) => log.push(`raised ${from} ${previous}->${target}`),
    refused: (from, msg, reason) => log.push(`refused ${from} ${msg.type} ${reason}`),
    waiting: (target, unreported) => log.push(`waiting ${target} ${unreported.join(",")}`),
    ended: (target) => log.push(`ended ${target}`),
  });
  return { gate: repairGate, store, log };
}

const append = (commit: number): Message => ({
  type: MessageType.Append, from: "n1", to: "n3", term: 1, prevIndex: 0, prevTerm: 0, entries: [], commit,
});
const heartbeat = (commit: number): Message => ({ type: MessageType.Heartbeat, from: "n1", to: "n3", term: 1, commit });
const report = (from: string, term: number, commit: number): Message => ({ type: MessageType.TermReport, from, to: "n3", term, commit });
const vote = (from: string, lastIndex: number): Message => ({
  type: MessageType.Vote, from, to: "n3", term: 5, lastIndex, lastTerm: 1, transfer: false,
});

describe("repair gate", () => {
  it("an empty log rejoins from a leader's Append, heartbeat or snapshot that carries a commit above 0, and only then", () => {
    for (const [msg, target] of [
      [append(7), 7],
      [heartbeat(4), 4],
      [{ type: MessageType.Snapshot, from: "n1", to: "n3", term: 1, meta: { index: 9, term: 1, peers: ["n1", "n2", "n3"] } } as Message, 9],
    ] as const) {
      const { gate: g, store, log } = gate();
      expect(g.admit("n1", msg, 0)).toBe(false);
      expect({ target: store.repairTarget, rejoining: store.rejoining }).toEqual({ target, rejoining: true });
      expect(log).toEqual([`joined n1 ${target}`, `refused n1 ${msg.type} termUnknown`]);
    }
    const { gate: fresh, store } = gate();
    expect(fresh.admit("n1", heartbeat(0), 0)).toBe(false);
    expect(fresh.admit("n1", append(5), 3)).toBe(true);
    expect(store.repairTarget).toBe(0);
  });

  it("an empty log probes every peer, follows no leader, votes for no one and keeps its clock still until all have reported; a reported commit makes it a rejoin", () => {
    const { gate: g, store, log } = gate();
    expect({ probe: g.peersToProbe(0), still: g.clockStill(0) }).toEqual({ probe: ["n1", "n2"], still: true });
    expect(g.admit("n2", vote("n2", 0), 0)).toBe(false);
    expect(g.admit("n1", report("n1", 1, 7), 0)).toBe(true);
    expect({ target: store.repairTarget, rejoining: store.rejoining }).toEqual({ target: 7, rejoining: true });
    expect(g.peersToProbe(0)).toEqual(["n2"]);
    expect(g.admit("n1", heartbeat(7), 0)).toBe(false);
    expect(g.admit("n2", report("n2", 2, 9), 0)).toBe(true);
    expect({ probe: g.peersToProbe(0), still: g.clockStill(0), target: store.repairTarget }).toEqual({ probe: [], still: true, target: 9 });
    expect(g.admit("n1", heartbeat(7), 0)).toBe(true);
    expect(g.admit("n2", report("n2", 2, 12), 0)).toBe(true);
    expect(store.repairTarget).toBe(9);
    expect(log).toEqual([
      "waiting 0 n1,n2", "refused n2 vote termUnknown", "joined n1 7", "refused n1 heartbeat termUnknown", "raised n2 7->9", "terms known",
    ]);
    expect(g.peersToProbe(0)).toEqual([]);
  });

  it("a repairing node drops vote requests and leadership transfers; an empty one, once all reported, only those from candidates with entries", () => {
    const repairing = gate();
    repairing.store.raiseRepairTarget(4);
    expect({ probe: repairing.gate.peersToProbe(2), still: repairing.gate.clockStill(2) }).toEqual({ probe: [], still: true });
    expect(repairing.gate.admit("n1", vote("n1", 0), 2)).toBe(false);
    expect(repairing.gate.admit("n1", { type: MessageType.TimeoutNow, from: "n1", to: "n3", term: 5 }, 2)).toBe(false);
    expect(repairing.gate.admit("n1", append(4), 2)).toBe(true);
    expect(repairing.log).toEqual(["refused n1 vote repairing", "refused n1 timeoutNow repairing"]);

    const blank = gate();
    blank.gate.admit("n1", report("n1", 0, 0), 0);
    blank.gate.admit("n2", report("n2", 0, 0), 0);
    expect(blank.gate.clockStill(0)).toBe(false);
    expect(blank.gate.admit("n1", vote("n1", 3), 0)).toBe(false);
    expect(blank.gate.admit("n2", vote("n2", 0), 0)).toBe(true);
    expect(blank.log).toEqual(["terms known", "refused n1 vote blank"]);
  });

  it("the vote is spent once an empty or rejoining log has heard every peer; a repair of dropped records ends without reports or spending", () => {
    const dropped = gate();
    dropped.store.raiseRepairTarget(5);
    expect(dropped.gate.settle(4, 5)).toBe(false);
    expect(dropped.gate.settle(5, 4)).toBe(false);
    expect(dropped.gate.settle(5, 5)).toBe(false);
    expect(dropped.store.repairTarget).toBe(0);
    expect(dropped.log).toEqual(["ended 5"]);

    const rejoin = gate();
    rejoin.store.raiseRepairTarget(5, true);
    rejoin.gate.admit("n1", report("n1", 3, 5), 6);
    expect(rejoin.gate.settle(6, 6)).toBe(false);
    expect(rejoin.store.repairTarget).toBe(5);
    rejoin.gate.admit("n2", report("n2", 3, 5), 6);
    expect(rejoin.gate.settle(6, 6)).toBe(true);
    expect(rejoin.gate.settle(6, 6)).toBe(false);
    expect({ target: rejoin.store.repairTarget, rejoining: rejoin.store.rejoining }).toEqual({ target: 0, rejoining: false });
    expect(rejoin.log).toEqual(["terms known", "ended 5"]);

    const blank = gate();
    blank.gate.admit("n1", report("n1", 0, 0), 0);
    expect(blank.gate.settle(0, 0)).toBe(false);
    blank.gate.admit("n2", report("n2", 4, 0), 0);
    expect(blank.gate.settle(0, 0)).toBe(true);
    expect(blank.gate.settle(0, 0)).toBe(false);
  });
});
