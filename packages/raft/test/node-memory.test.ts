/** RaftNode over the in-memory transport: the Transport interface with no sockets, and partitions. */
import { describe, expect, it } from "vitest";
import { MemoryNetwork, NotLeaderError, RaftNode, Role } from "../src/internal";
import { stoppedAfterEach, tempDir } from "./helpers";
import { proposeAll } from "./node-cluster";
import { HashChainStateMachine } from "./state-machine-fixture";
import { waitFor } from "./transport-helpers";

const IDS = ["n1", "n2", "n3"];
const { nodes, dirs } = stoppedAfterEach();

async function startMemoryCluster(network: MemoryNetwork): Promise<Map<string, HashChainStateMachine>> {
  const sms = new Map<string, HashChainStateMachine>();
  for (const id of IDS) {
    const dir = await tempDir(`mem-${id}`);
    dirs.push(dir);
    const sm = new HashChainStateMachine();
    sms.set(id, sm);
    const node = await RaftNode.open({
      id, members: IDS, dataDir: dir, stateMachine: sm, cluster: "mem", secret: "unused",
      transport: network.transport(id), tickIntervalMs: 20,
    });
    await node.start();
    nodes.push(node);
  }
  return sms;
}

function leaders(): RaftNode[] {
  return nodes.filter((n) => n.status().role === Role.Leader);
}

describe("raft node - in-memory transport", () => {
  it("elects, replicates, and fails over when the leader is isolated", async () => {
    const network = new MemoryNetwork();
    const sms = await startMemoryCluster(network);
    await waitFor(() => leaders().length === 1, "a leader");
    const first = leaders()[0]!;
    const indexes = await proposeAll(first, 0, 200, 20);
    await waitFor(() => nodes.every((n) => n.status().applied >= Math.max(...indexes)), "replicated");
    expect(new Set(IDS.map((id) => sms.get(id)!.hash)).size).toBe(1);

    network.isolate(first.id, IDS);
    await waitFor(() => leaders().some((n) => n.id !== first.id), "a new leader", 10_000);
    const second = leaders().find((n) => n.id !== first.id)!;
    const more = await proposeAll(second, 200, 100, 10);
    // Check-quorum makes the isolated old leader step down; it then refuses proposals.
    await waitFor(() => first.status().role !== Role.Leader, "old leader steps down", 10_000);
    const refused = await first.propose(Buffer.from("stale")).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(NotLeaderError);
    expect((refused as NotLeaderError).leaderHint).toBeNull();

    network.heal();
    await waitFor(() => nodes.every((n) => n.status().applied >= Math.max(...more)), "healed", 10_000);
    expect(new Set(IDS.map((id) => sms.get(id)!.hash)).size).toBe(1);
    expect(sms.get(first.id)!.values.filter((v) => v.startsWith("v"))).toHaveLength(300);
  });
});
