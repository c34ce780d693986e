/** SimNetwork: delay, loss, duplication, reordering, cut links, isolation and partitions. */
import { describe, expect, it } from "vitest";
import { SimNetwork, Verdict, type Packet } from "./network";
import type { NetworkOptions } from "./options";
import { SimPrng } from "./prng";
import { MessageType, type Message } from "./raft";

const NODES = ["n1", "n2", "n3"];
const CLEAN: NetworkOptions = {
  packetLossProbability: 0,
  packetDuplicateProbability: 0,
  packetDelayTicksMin: 2,
  packetDelayTicksMax: 2,
  packetDelaySpikeProbability: 0,
  packetDelaySpikeTicksMax: 0,
  snapshotChunksMax: 1,
};

function heartbeat(from: string, to: string, term = 1): Message {
  return { type: MessageType.Heartbeat, from, to, term, commit: 0 };
}

function sendHeartbeat(network: SimNetwork, from: string, to: string, nowTicks: number, term = 1): Packet[] {
  return network.send(from, to, { kind: "message", message: heartbeat(from, to, term) }, nowTicks);
}

describe("SimNetwork", () => {
  it("holds a packet until its delay has passed", () => {
    const network = new SimNetwork(NODES, new SimPrng(1), CLEAN);
    const [packet] = sendHeartbeat(network, "n1", "n2", 10);
    expect(packet?.deliverAtTick).toBe(12);
    expect(network.takeDue(11)).toEqual([]);
    expect(network.takeDue(12)).toEqual([packet]);
    expect(network.inFlightCount()).toBe(0);
  });

  it("reorders packets due in the same tick, identically for the same seed", () => {
    const orderFor = (seed: number): number[] => {
      const network = new SimNetwork(NODES, new SimPrng(seed), CLEAN);
      for (let term = 1; term <= 8; term++) sendHeartbeat(network, "n1", "n2", 0, term);
      return network.takeDue(2).map((packet) => (packet.payload.kind === "message" ? packet.payload.message.term : -1));
    };
    expect(orderFor(7)).toEqual(orderFor(7));
    expect(orderFor(7).slice().sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect([orderFor(7), orderFor(8), orderFor(9)].some((order) => order.join() !== "1,2,3,4,5,6,7,8")).toBe(true);
  });

  it("requeues a due packet until a later tick (its receiver is paused)", () => {
    const network = new SimNetwork(NODES, new SimPrng(12), CLEAN);
    const [packet] = sendHeartbeat(network, "n1", "n2", 0);
    const [due] = network.takeDue(2);
    network.requeue(due as Packet, 9);
    expect(network.takeDue(8)).toEqual([]);
    expect(network.takeDue(9)).toEqual([{ ...packet, deliverAtTick: 9 }]);
  });

  it("draws delays within [min, max]", () => {
    const network = new SimNetwork(NODES, new SimPrng(3), { ...CLEAN, packetDelayTicksMin: 1, packetDelayTicksMax: 4 });
    const delays = new Set<number>();
    for (let i = 0; i < 200; i++) for (const packet of sendHeartbeat(network, "n1", "n2", 100)) delays.add(packet.deliverAtTick - 100);
    expect([...delays].sort()).toEqual([1, 2, 3, 4]);
  });

  it("holds some packets much longer at the spike probability, never in calm mode", () => {
    const network = new SimNetwork(NODES, new SimPrng(11), { ...CLEAN, packetDelaySpikeProbability: 1, packetDelaySpikeTicksMax: 60 });
    const delays = Array.from({ length: 100 }, () => (sendHeartbeat(network, "n1", "n2", 0)[0] as Packet).deliverAtTick);
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(2);
    expect(Math.max(...delays)).toBeGreaterThan(30);
    expect(Math.max(...delays)).toBeLessThanOrEqual(60);
    network.setCalm(true);
    expect((sendHeartbeat(network, "n1", "n2", 0)[0] as Packet).deliverAtTick).toBe(2);
  });

  it("duplicates every packet at duplicate probability 1 and loses every packet at loss probability 1", () => {
    const network = new SimNetwork(NODES, new SimPrng(4), { ...CLEAN, packetDuplicateProbability: 1, packetLossProbability: 1 });
    const packets = sendHeartbeat(network, "n1", "n2", 0);
    expect(packets).toHaveLength(2);
    expect(packets[0]?.payload).toBe(packets[1]?.payload);
    expect(packets.map((packet) => network.judge(packet))).toEqual([Verdict.Lost, Verdict.Lost]);
  });

  it("calm mode stops loss and duplication", () => {
    const network = new SimNetwork(NODES, new SimPrng(5), { ...CLEAN, packetDuplicateProbability: 1, packetLossProbability: 1 });
    network.setCalm(true);
    const packets = sendHeartbeat(network, "n1", "n2", 0);
    expect(packets).toHaveLength(1);
    expect(network.judge(packets[0] as Packet)).toBe(Verdict.Deliver);
  });

  it("cuts a single link in one direction only", () => {
    const network = new SimNetwork(NODES, new SimPrng(6), CLEAN);
    network.cutLink("n1", "n2");
    const [forward] = sendHeartbeat(network, "n1", "n2", 0);
    const [backward] = sendHeartbeat(network, "n2", "n1", 0);
    expect(network.judge(forward as Packet)).toBe(Verdict.LinkDown);
    expect(network.judge(backward as Packet)).toBe(Verdict.Deliver);
    network.healLink("n1", "n2");
    expect(network.judge(forward as Packet)).toBe(Verdict.Deliver);
  });

  it("loses packets already in flight when their link is cut before they are due", () => {
    const network = new SimNetwork(NODES, new SimPrng(7), CLEAN);
    const [packet] = sendHeartbeat(network, "n3", "n1", 0);
    network.cutLink("n3", "n1");
    expect(network.takeDue(2)).toEqual([packet]);
    expect(network.judge(packet as Packet)).toBe(Verdict.LinkDown);
  });

  it("isolates a node in both directions and heals everything", () => {
    const network = new SimNetwork(NODES, new SimPrng(8), CLEAN);
    network.isolate("n2");
    expect(network.linkUp("n1", "n2")).toBe(false);
    expect(network.linkUp("n2", "n3")).toBe(false);
    expect(network.linkUp("n1", "n3")).toBe(true);
    expect(network.blockedLinkCount()).toBe(4);
    network.healAll();
    expect(network.blockedLinkCount()).toBe(0);
  });

  it("partitions into groups, symmetric or one way", () => {
    const network = new SimNetwork(["a", "b", "c", "d", "e"], new SimPrng(9), CLEAN);
    network.partition([["a", "b"], ["c", "d", "e"]], false);
    expect(network.linkUp("a", "b")).toBe(true);
    expect(network.linkUp("c", "e")).toBe(true);
    expect(network.linkUp("a", "c")).toBe(false);
    expect(network.linkUp("e", "b")).toBe(false);
    expect(network.blockedLinkCount()).toBe(12);
    network.healAll();
    network.partition([["a"], ["b", "c"], ["d", "e"]], true);
    expect(network.linkUp("a", "b")).toBe(false);
    expect(network.linkUp("b", "a")).toBe(true);
    expect(network.linkUp("b", "d")).toBe(false);
    expect(network.linkUp("d", "b")).toBe(true);
    expect(network.linkUp("d", "a")).toBe(true);
  });

  it("refuses partitions that do not cover every node exactly once", () => {
    const network = new SimNetwork(NODES, new SimPrng(10), CLEAN);
    expect(() => network.partition([["n1"], ["n2"]], false)).toThrow("partition groups must cover every node exactly once");
    expect(() => network.partition([["n1", "n2"], ["n2", "n3"]], false)).toThrow("partition groups must cover every node exactly once");
    expect(() => network.cutLink("n1", "n9")).toThrow("unknown node n9");
  });
});
