/**
 * bench:raft — commit throughput and latency of a three-node RaftNode cluster on loopback, beside
 * the raw sequential fsync rate of the same disk measured in the same run. A benchmark, not a
 * test: it prints a table and one summary line, and exits non-zero only if the run itself fails.
 *
 * Group commit is what lets committed entries/s exceed the fsync rate: every proposal that
 * arrives while a batch is being synced shares the next sync.
 */
import { closeSync, fdatasyncSync, mkdtempSync, openSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { RaftNode, Role, type Entry, type StateMachine } from "../packages/raft/src/index";

const ENTRY_SIZES_BYTES = [128, 16 * 1024] as const;
const INFLIGHT_COUNTS = [1, 10, 100] as const;
const CASE_DURATION_MS = 2_500;
const FSYNC_PROBE_MS = 1_500;
const GROUP_COMMIT_GOAL_RATIO = 20;

/** CountingStateMachine: applies by counting; its snapshot is a few bytes. */
class CountingStateMachine implements StateMachine {
  entries = 0;
  bytes = 0;
  apply(entries: readonly Entry[]): void {
    for (const e of entries) {
      this.entries++;
      this.bytes += e.data.length;
    }
  }
  async *snapshot(): AsyncGenerator<Uint8Array> {
    yield Buffer.from(JSON.stringify({ entries: this.entries, bytes: this.bytes }));
  }
  async restore(chunks: AsyncIterable<Uint8Array>): Promise<void> {
    const parts: Uint8Array[] = [];
    for await (const c of chunks) parts.push(c);
    const state = JSON.parse(Buffer.concat(parts).toString()) as { entries: number; bytes: number };
    this.entries = state.entries;
    this.bytes = state.bytes;
  }
}

function measureFsyncRate(dir: string): number {
  const fd = openSync(join(dir, "fsync-probe"), "w");
  const block = Buffer.alloc(128, 7);
  let syncs = 0;
  const start = performance.now();
  while (performance.now() - start < FSYNC_PROBE_MS) {
    writeSync(fd, block);
    fdatasyncSync(fd);
    syncs++;
  }
  const elapsedMs = performance.now() - start;
  closeSync(fd);
  return (syncs * 1000) / elapsedMs;
}

async function startCluster(root: string): Promise<RaftNode[]> {
  const ids = ["n1", "n2", "n3"];
  const nodes: RaftNode[] = [];
  for (const id of ids) {
    const node = await RaftNode.open({
      id, members: ids, dataDir: join(root, id), stateMachine: new CountingStateMachine(),
      cluster: "bench", secret: "bench-secret", snapshotEntries: 50_000,
    });
    await node.start();
    nodes.push(node);
  }
  for (const node of nodes) for (const other of nodes) if (other !== node) node.setPeerAddress(other.id, other.address());
  return nodes;
}

async function waitForLeader(nodes: RaftNode[]): Promise<RaftNode> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const leader = nodes.find((n) => n.status().role === Role.Leader);
    if (leader !== undefined && leader.status().applied >= leader.status().termStartIndex) return leader;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error("no leader elected within 15 s");
}

interface CaseResult {
  entryBytes: number;
  inflight: number;
  entries: number;
  entriesPerSec: number;
  mbPerSec: number;
  p50Ms: number;
  p99Ms: number;
}

async function runCase(leader: RaftNode, entryBytes: number, inflight: number): Promise<CaseResult> {
  const payload = Buffer.alloc(entryBytes, 0x61);
  const latenciesMs: number[] = [];
  const start = performance.now();
  const deadline = start + CASE_DURATION_MS;
  const worker = async (): Promise<void> => {
    while (performance.now() < deadline) {
      const t0 = performance.now();
      await leader.propose(payload);
      latenciesMs.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: inflight }, worker));
  const elapsedSec = (performance.now() - start) / 1000;
  latenciesMs.sort((a, b) => a - b);
  const pct = (p: number): number => latenciesMs[Math.min(latenciesMs.length - 1, Math.floor(latenciesMs.length * p))] ?? 0;
  const entriesPerSec = latenciesMs.length / elapsedSec;
  return {
    entryBytes, inflight, entries: latenciesMs.length, entriesPerSec,
    mbPerSec: (entriesPerSec * entryBytes) / (1024 * 1024), p50Ms: pct(0.5), p99Ms: pct(0.99),
  };
}

function row(cells: Array<string | number>): string {
  const widths = [10, 9, 9, 12, 9, 9, 9, 10];
  return cells.map((c, i) => String(c).padStart(widths[i] ?? 10)).join(" ");
}

async function main(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), "flotilla-bench-raft-"));
  try {
    const fsyncPerSec = measureFsyncRate(root);
    const nodes = await startCluster(root);
    const leader = await waitForLeader(nodes);
    console.log(`raw sequential fsync (128 B write + fdatasync, ${root}): ${fsyncPerSec.toFixed(0)}/s`);
    console.log(row(["entry", "inflight", "entries", "entries/s", "MB/s", "p50 ms", "p99 ms", "x fsync"]));
    const results: CaseResult[] = [];
    for (const entryBytes of ENTRY_SIZES_BYTES) {
      for (const inflight of INFLIGHT_COUNTS) {
        const r = await runCase(leader, entryBytes, inflight);
        results.push(r);
        console.log(row([
          entryBytes >= 1024 ? `${entryBytes / 1024} KiB` : `${entryBytes} B`, inflight, r.entries,
          r.entriesPerSec.toFixed(0), r.mbPerSec.toFixed(2), r.p50Ms.toFixed(2), r.p99Ms.toFixed(2),
          (r.entriesPerSec / fsyncPerSec).toFixed(2),
        ]));
      }
    }
    await Promise.all(nodes.map((n) => n.stop()));
    const best = results.filter((r) => r.inflight === 100).sort((a, b) => b.entriesPerSec - a.entriesPerSec)[0]!;
    const ratio = best.entriesPerSec / fsyncPerSec;
    const verdict = ratio >= GROUP_COMMIT_GOAL_RATIO ? "goal met" : "goal NOT met";
    console.log(
      `summary: 100 in flight, ${best.entryBytes} B entries: ${best.entriesPerSec.toFixed(0)} committed entries/s = ` +
        `${ratio.toFixed(2)}x raw fsync ${fsyncPerSec.toFixed(0)}/s (goal ${GROUP_COMMIT_GOAL_RATIO}x: ${verdict})`,
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error("bench:raft failed:", error);
  process.exit(1);
});
