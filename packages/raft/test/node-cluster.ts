/**
 * TestCluster: three (or more) RaftNodes with real LevelDB directories, on loopback TCP or, when
 * given a MemoryNetwork, on in-process links that a test can cut one way.
 */
import type { Logger } from "pino";
import { Role, RaftNode, type MemoryNetwork, type NodeId, type PeerAddress, type RaftNodeOptions } from "../src/internal";
import { removeDir, silentLogger, tempDir } from "./helpers";
import { HashChainStateMachine } from "./state-machine-fixture";
import { waitFor } from "./transport-helpers";

/** ClusterOptions tunes the nodes of a TestCluster. */
export type ClusterOptions = Partial<Omit<RaftNodeOptions, "id" | "members" | "dataDir" | "stateMachine">>;

/** TestCluster owns the nodes, their state machines, ports and data directories. */
export class TestCluster {
  readonly nodes = new Map<NodeId, RaftNode>();
  readonly sms = new Map<NodeId, HashChainStateMachine>();
  readonly dirs = new Map<NodeId, string>();
  readonly ports = new Map<NodeId, number>();

  private constructor(
    readonly ids: NodeId[],
    private readonly options: ClusterOptions,
    private readonly network: MemoryNetwork | null,
  ) {}

  /** TestCluster.start opens and starts every node and, over TCP, wires their addresses. */
  static async start(ids: NodeId[], options: ClusterOptions = {}, network: MemoryNetwork | null = null): Promise<TestCluster> {
    const cluster = new TestCluster(ids, options, network);
    for (const id of ids) cluster.dirs.set(id, await tempDir(`node-${id}`));
    for (const id of ids) await cluster.open(id);
    if (network === null) for (const id of ids) cluster.wire(id);
    return cluster;
  }

  /** open (re)opens node `id` on its directory and port with a fresh state machine. */
  async open(id: NodeId, logger?: Logger): Promise<RaftNode> {
    const sm = new HashChainStateMachine();
    const port = this.ports.get(id) ?? 0;
    const node = await RaftNode.open({
      tickIntervalMs: 20, electionTimeoutTicks: 10, heartbeatIntervalTicks: 2,
      cluster: "test", secret: "s3cret", logger: logger ?? silentLogger(),
      ...this.options, id, members: this.ids, dataDir: this.dirs.get(id)!, stateMachine: sm,
      ...(this.network === null ? { listen: { host: "127.0.0.1", port } } : { transport: this.network.transport(id) }),
    });
    await node.start();
    this.nodes.set(id, node);
    this.sms.set(id, sm);
    if (this.network !== null) return node;
    this.ports.set(id, node.address().port);
    if (port !== 0) this.wire(id);
    return node;
  }

  private wire(id: NodeId): void {
    const node = this.nodes.get(id)!;
    for (const other of this.ids) {
      if (other === id) continue;
      const port = this.ports.get(other);
      if (port === undefined) continue;
      const address: PeerAddress = { host: "127.0.0.1", port };
      node.setPeerAddress(other, address);
    }
  }

  /** node returns a running node. */
  node(id: NodeId): RaftNode {
    const node = this.nodes.get(id);
    if (node === undefined) throw new Error(`node ${id} is not running`);
    return node;
  }

  /** sm returns the state machine of node `id`. */
  sm(id: NodeId): HashChainStateMachine {
    return this.sms.get(id)!;
  }

  /** running lists the ids of running nodes. */
  running(): NodeId[] {
    return [...this.nodes.keys()];
  }

  /** waitForLeader waits until all running nodes agree on one leader, and returns it. */
  async waitForLeader(timeoutMs = 10_000): Promise<RaftNode> {
    let leader: RaftNode | null = null;
    await waitFor(() => {
      const statuses = this.running().map((id) => this.node(id).status());
      const leaders = statuses.filter((s) => s.role === Role.Leader);
      const first = statuses[0]!;
      const agreed = statuses.every((s) => s.leader === first.leader && s.term === first.term);
      if (leaders.length !== 1 || !agreed) return false;
      leader = this.node(leaders[0]!.id);
      return leader.status().applied >= leader.status().termStartIndex;
    }, "one agreed leader", timeoutMs);
    return leader!;
  }

  /** waitApplied waits until every running node has applied `index`. */
  async waitApplied(index: number, timeoutMs = 20_000): Promise<void> {
    await waitFor(() => this.running().every((id) => this.node(id).status().applied >= index), `applied ${index}`, timeoutMs);
  }

  /** stopNode stops (gracefully) or kills one node. */
  async stopNode(id: NodeId, how: "stop" | "kill"): Promise<void> {
    const node = this.node(id);
    this.nodes.delete(id);
    await (how === "stop" ? node.stop() : node.kill());
  }

  /** destroy stops every node and deletes every directory. */
  async destroy(): Promise<void> {
    await Promise.all(this.running().map((id) => this.node(id).stop()));
    this.nodes.clear();
    await Promise.all([...this.dirs.values()].map(removeDir));
  }
}

/** proposeAll proposes `count` payloads from `first` on, keeping `window` in flight; returns their indexes. */
export async function proposeAll(node: RaftNode, first: number, count: number, window: number, prefix = "v"): Promise<number[]> {
  const indexes: number[] = new Array<number>(count);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const i = next++;
      const outcome = await node.propose(Buffer.from(`${prefix}${first + i}`));
      indexes[i] = outcome.index;
    }
  };
  await Promise.all(Array.from({ length: window }, worker));
  return indexes;
}
