/**
 * Durability ordering (design.md §2), observed at the transport: every acknowledgement a follower
 * sends covers only entries it has already fsynced, and every granted vote is sent only after the
 * voter's term and vote are fsynced.
 */
import { describe, expect, it } from "vitest";
import {
  MemoryNetwork, MessageType, RaftNode, Role, type Entry, type Envelope, type NodeId, type Transport,
} from "../src/internal";
import { stoppedAfterEach, tempDir } from "./helpers";
import { proposeAll } from "./node-cluster";
import { HashChainStateMachine } from "./state-machine-fixture";
import { waitFor } from "./transport-helpers";

const IDS = ["n1", "n2", "n3"];
const { nodes, dirs } = stoppedAfterEach();

/** Audit records what was checked and every violation found. */
interface Audit {
  acks: number;
  votes: number;
  requests: number;
  violations: string[];
}

/**
 * auditingTransport checks each outgoing acknowledgement, vote grant and vote request against the
 * sender's durable state: term and vote are synced before a vote is requested or cast.
 */
function auditingTransport(inner: Transport, node: () => RaftNode, audit: Audit): Transport {
  return {
    start: (handler) => inner.start(handler),
    drained: (to) => inner.drained(to),
    stop: () => inner.stop(),
    send(to: NodeId, envelope: Envelope): boolean {
      const msg = envelope.msg;
      const durable = node().status().durable;
      if (msg.type === MessageType.AppendResponse && !msg.reject && msg.index > 0) {
        audit.acks++;
        if (msg.index > durable.lastIndex) audit.violations.push(`${msg.from} acked ${msg.index} with ${durable.lastIndex} durable`);
      }
      if (msg.type === MessageType.VoteResponse && !msg.reject) {
        audit.votes++;
        if (durable.term !== msg.term || durable.vote !== msg.to) {
          audit.violations.push(`${msg.from} granted ${msg.to} in term ${msg.term} with durable ${JSON.stringify(durable)}`);
        }
      }
      if (msg.type === MessageType.Vote) {
        audit.requests++;
        if (durable.term !== msg.term || durable.vote !== msg.from) {
          audit.violations.push(`${msg.from} requested votes in term ${msg.term} with durable ${JSON.stringify(durable)}`);
        }
      }
      return inner.send(to, envelope);
    },
  };
}

describe("raft node - durability ordering", () => {
  it("followers acknowledge only fsynced entries; votes are requested and granted only after fsyncing term and vote", async () => {
    const network = new MemoryNetwork();
    const audit: Audit = { acks: 0, votes: 0, requests: 0, violations: [] };
    for (const id of IDS) {
      const dir = await tempDir(`dur-${id}`);
      dirs.push(dir);
      let self: RaftNode | null = null;
      const transport = auditingTransport(network.transport(id), () => self!, audit);
      self = await RaftNode.open({
        id, members: IDS, dataDir: dir, stateMachine: new HashChainStateMachine(), cluster: "dur", secret: "unused",
        transport, tickIntervalMs: 20,
      });
      await self.start();
      nodes.push(self);
    }
    await waitFor(() => nodes.filter((n) => n.status().role === Role.Leader).length === 1, "a leader");
    const first = nodes.find((n) => n.status().role === Role.Leader)!;
    await proposeAll(first, 0, 500, 50);
    network.isolate(first.id, IDS);
    await waitFor(() => nodes.some((n) => n.id !== first.id && n.status().role === Role.Leader), "a second election", 10_000);
    network.heal();
    const second = nodes.find((n) => n.id !== first.id && n.status().role === Role.Leader)!;
    await proposeAll(second, 500, 500, 50);
    expect(audit.violations).toEqual([]);
    expect(audit.acks).toBeGreaterThan(50);
    expect(audit.votes).toBeGreaterThanOrEqual(2);
    expect(audit.requests).toBeGreaterThanOrEqual(2);
  });

  it("a follower's acknowledgement is flushed before it applies the entries its Ready committed; a leader's appends are not", async () => {
    const network = new MemoryNetwork();
    const logs = new Map<NodeId, string[]>();
    for (const id of IDS) {
      const dir = await tempDir(`order-${id}`);
      dirs.push(dir);
      const log: string[] = [];
      logs.set(id, log);
      const inner = network.transport(id);
      const transport: Transport = {
        start: (handler) => inner.start(handler),
        drained: (to) => inner.drained(to),
        stop: () => inner.stop(),
        flush: () => void log.push("flush"),
        send(to: NodeId, envelope: Envelope): boolean {
          log.push(`send ${envelope.msg.type}`);
          return inner.send(to, envelope);
        },
      };
      const sm = new HashChainStateMachine();
      const apply = sm.apply.bind(sm);
      sm.apply = (entries: readonly Entry[]) => {
        log.push("apply");
        apply(entries);
      };
      const node = await RaftNode.open({
        id, members: IDS, dataDir: dir, stateMachine: sm, cluster: "order", secret: "unused", transport, tickIntervalMs: 20,
      });
      await node.start();
      nodes.push(node);
    }
    await waitFor(() => nodes.filter((n) => n.status().role === Role.Leader).length === 1, "a leader");
    const leader = nodes.find((n) => n.status().role === Role.Leader)!;
    await proposeAll(leader, 0, 300, 30);
    let checked = 0;
    for (const follower of nodes.filter((n) => n !== leader)) {
      const log = logs.get(follower.id)!;
      let ackUnflushed = false;
      for (const event of log) {
        if (event === "send appendResponse") ackUnflushed = true;
        if (event === "flush") ackUnflushed = false;
        if (event === "apply") {
          expect(ackUnflushed).toBe(false);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(10);
    // The leader only replicates: it never asks for an early write, so its commit-only appends
    // wait for the tick's end, where the next round's entries supersede them.
    const leaderFlushes = logs.get(leader.id)!.filter((event, i, log) => event === "flush" && log[i - 1] === "send append");
    expect(leaderFlushes).toEqual([]);
  });
});
