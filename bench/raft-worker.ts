/**
 * One RaftNode of the bench:raft cluster, in its own worker thread so the three nodes use
 * separate event loops (and cores), as separate servers would. Commands arrive by postMessage.
 */
import { performance } from "node:perf_hooks";
import { parentPort, workerData } from "node:worker_threads";
import { RaftNode, type Entry, type StateMachine, type SyncLatencyHistogram } from "../packages/raft/src/index";

/** WorkerConfig is the workerData of a bench node. */
export interface WorkerConfig {
  id: string;
  members: string[];
  dataDir: string;
  ports: Record<string, number>;
}

/** BenchCommand is what the main thread asks a node worker to do. */
export type BenchCommand =
  | { cmd: "status" }
  | { cmd: "run"; entryBytes: number; inflight: number; durationMs: number }
  | { cmd: "stop" };

/** CaseSample is what one "run" returns: per-proposal commit latencies and the elapsed time. */
export interface CaseSample {
  latenciesMs: number[];
  elapsedMs: number;
  /**
   * leaderSyncLatency: the leader's sync-latency histogram read before and after the case; the
   * difference of its counts is the number of fsynced batches the case took.
   */
  leaderSyncLatency: { before: SyncLatencyHistogram; after: SyncLatencyHistogram };
}

/** CountingStateMachine applies by counting; its snapshot is a few bytes. */
class CountingStateMachine implements StateMachine {
  entries = 0;
  apply(entries: readonly Entry[]): void {
    this.entries += entries.length;
  }
  async *snapshot(): AsyncGenerator<Uint8Array> {
    yield Buffer.from(String(this.entries));
  }
  async restore(chunks: AsyncIterable<Uint8Array>): Promise<void> {
    const parts: Uint8Array[] = [];
    for await (const c of chunks) parts.push(c);
    this.entries = Number(Buffer.concat(parts).toString());
  }
}

/**
 * runCase keeps `inflight` proposals outstanding until the deadline and records each one's
 * latency, from propose() to its resolution. The client side is kept lean (a callback per slot,
 * latencies in a typed array) so that what the case measures is the node, not this loop's own
 * promise and number allocations.
 */
function runCase(node: RaftNode, entryBytes: number, inflight: number, durationMs: number): Promise<CaseSample> {
  const payload = Buffer.alloc(entryBytes, 0x61);
  const statusBefore = node.status();
  const start = performance.now();
  const deadline = start + durationMs;
  let latencies = new Float64Array(1 << 16);
  let count = 0;
  const record = (latencyMs: number): void => {
    if (count === latencies.length) {
      const grown = new Float64Array(latencies.length * 2);
      grown.set(latencies);
      latencies = grown;
    }
    latencies[count++] = latencyMs;
  };
  return new Promise((resolve, reject) => {
    let running = inflight;
    const finish = (): void => {
      if (--running > 0) return;
      const statusAfter = node.status();
      resolve({
        latenciesMs: Array.from(latencies.subarray(0, count)),
        elapsedMs: performance.now() - start,
        leaderSyncLatency: { before: statusBefore.syncLatency, after: statusAfter.syncLatency },
      });
    };
    const slot = (): void => {
      let t0 = 0;
      const next = (): void => {
        const now = performance.now();
        if (t0 !== 0) record(now - t0);
        if (now >= deadline) return finish();
        t0 = now;
        node.propose(payload).then(next, reject);
      };
      next();
    };
    for (let i = 0; i < inflight; i++) slot();
  });
}

async function main(): Promise<void> {
  const config = workerData as WorkerConfig;
  const port = parentPort;
  if (port === null) throw new Error("raft-worker must run in a worker thread");
  const node = await RaftNode.open({
    id: config.id, members: config.members, dataDir: config.dataDir, stateMachine: new CountingStateMachine(),
    cluster: "bench", secret: "bench-secret", snapshotEntries: 50_000,
    listen: { host: "127.0.0.1", port: config.ports[config.id]! },
    peerAddresses: Object.fromEntries(config.members.filter((m) => m !== config.id).map((m) => [m, { host: "127.0.0.1", port: config.ports[m]! }])),
  });
  await node.start();
  port.on("message", (command: BenchCommand) => {
    if (command.cmd === "status") port.postMessage(node.status());
    else if (command.cmd === "run") {
      runCase(node, command.entryBytes, command.inflight, command.durationMs).then(
        (sample) => port.postMessage(sample),
        (error: unknown) => port.postMessage({ error: String(error) }),
      );
    } else void node.stop().then(() => port.postMessage({ stopped: true }));
  });
  port.postMessage({ started: config.id });
}

void main();
