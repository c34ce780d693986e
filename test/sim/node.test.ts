/** SimNode: the driver loop against a real RaftCore (one-node group, so it commits alone). */
import { describe, expect, it } from "vitest";
import type { SmState } from "./disk";
import { CHAIN_HASH_EMPTY, chainHash } from "./hash";
import { SimNode, type NodeHooks } from "./node";
import type { RaftOptions } from "./options";
import { SimPrng } from "./prng";
import { Role, type Entry, type Message } from "./raft";

const RAFT: RaftOptions = {
  electionTimeoutTicks: 10,
  heartbeatIntervalTicks: 2,
  preVote: false,
  checkQuorum: false,
  entryBytesMax: 64,
  appendBytesMax: 256,
  inflightAppendsMax: 4,
  uncommittedEntriesMax: 16,
  uncommittedBytesMax: 1024,
};

interface Harness {
  node: SimNode;
  clock: { now: number };
  applied: Entry[];
  sent: Message[];
  restarts: SmState[];
}

function harness(syncDelayTicksMax: number, seed = 1): Harness {
  const clock = { now: 0 };
  const applied: Entry[] = [];
  const sent: Message[] = [];
  const restarts: SmState[] = [];
  const hooks: NodeHooks = {
    nowTicks: () => clock.now,
    send: (_node, message) => sent.push(message),
    entriesWritten: () => undefined,
    applied: (_node, entry) => applied.push(entry),
    snapshotInstalled: () => undefined,
    restarted: (_node, state) => restarts.push(state),
    events: () => undefined,
  };
  const node = new SimNode("n1", ["n1"], RAFT, new SimPrng(seed), syncDelayTicksMax, hooks, false);
  node.start();
  return { node, clock, applied, sent, restarts };
}

/** settle lets time pass until the node has no Ready in flight. */
function settle(h: Harness): void {
  for (let guard = 0; guard < 100 && !h.node.idle(); guard++) {
    h.clock.now++;
    if (h.node.syncDue(h.clock.now)) h.node.completeSync();
  }
  expect(h.node.idle()).toBe(true);
}

function electAlone(h: Harness): void {
  h.node.liveCore().campaign();
  h.node.pump();
  settle(h);
  expect(h.node.liveCore().status().role).toBe(Role.Leader);
}

describe("SimNode", () => {
  it("applies a proposal only after its sync, with the chain hash of the applied prefix", () => {
    const h = harness(0);
    electAlone(h);
    const noop = h.applied.length;
    const { index } = h.node.liveCore().propose(new Uint8Array([1, 2, 3]));
    h.node.pump();
    settle(h);
    const entry = h.applied[h.applied.length - 1] as Entry;
    expect(entry.index).toBe(index);
    expect([...entry.data]).toEqual([1, 2, 3]);
    expect(h.applied.length).toBe(noop + 1);
    const chain = h.applied.reduce((previous, applied) => chainHash(previous, applied), CHAIN_HASH_EMPTY);
    expect(h.node.sm).toEqual({ index, term: entry.term, chain });
    expect(h.node.disk.durableView().chainAt(index)).toBe(chain);
  });

  it("loses a proposal whose sync had not completed when the node crashed", () => {
    const h = harness(5, 3);
    electAlone(h);
    const durableLast = h.node.disk.durableView().lastIndex;
    const { index } = h.node.liveCore().propose(new Uint8Array([9]));
    h.node.pump();
    expect(h.node.idle()).toBe(false);
    expect(h.node.disk.view().lastIndex).toBe(index);
    h.node.crash(false);
    expect(h.node.alive).toBe(false);
    expect(h.node.disk.view().lastIndex).toBe(durableLast);
    h.node.start();
    expect(h.node.liveCore().status().lastIndex).toBe(durableLast);
    expect(h.applied.some((entry) => entry.index === index && entry.data[0] === 9)).toBe(false);
  });

  it("restarts its state machine from the durable snapshot and re-applies the committed rest", () => {
    const h = harness(0);
    electAlone(h);
    for (let i = 0; i < 3; i++) h.node.liveCore().propose(new Uint8Array([i]));
    h.node.pump();
    settle(h);
    expect(h.node.takeSnapshot(0)).toBe(true);
    const snapshot = h.node.sm;
    h.node.liveCore().propose(new Uint8Array([42]));
    h.node.pump();
    settle(h);
    const before = h.node.sm;
    h.node.crash(false);
    h.node.start();
    expect(h.restarts[h.restarts.length - 1]).toEqual(snapshot);
    expect(h.node.liveCore().status().applied).toBe(snapshot.index);
    h.node.liveCore().campaign();
    h.node.pump();
    settle(h);
    expect(h.node.sm.index).toBeGreaterThan(before.index);
    expect(h.applied.filter((entry) => entry.data[0] === 42)).toHaveLength(2);
  });
});
