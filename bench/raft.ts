/**
 * bench:raft — commit throughput and latency of a three-node RaftNode cluster on loopback, beside
 * the raw sequential fsync rate of the same disk measured in the same run. A benchmark, not a
 * test: it prints a table and one summary line, and exits non-zero only if the run itself fails.
 *
 * Each node runs in its own worker thread (bench/raft-worker.ts); the proposals are made on the
 * leader's thread, and latency is measured from propose() to its resolution (committed and
 * applied on the leader). Group commit is what lets committed entries/s exceed the fsync rate: every proposal that
 * arrives while a batch is being synced shares the next sync.
 */
import { closeSync, fdatasyncSync, mkdtempSync, openSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { createServer } from "node:net";
import { Worker } from "node:worker_threads";
import { Role, syncLatencyBetween, type NodeStatus, type SyncLatencyDelta } from "../packages/raft/src/index";
import type { CeilingConfig, CeilingRun, CeilingSample } from "./ceiling-worker";
import type { BenchCommand, CaseSample, WorkerConfig } from "./raft-worker";

const ENTRY_SIZES_BYTES_DEFAULT = [128, 16 * 1024];
const INFLIGHT_COUNTS_DEFAULT = [1, 10, 100, 1000];
const CASE_DURATION_MS_DEFAULT = 2_500;
const FSYNC_PROBE_MS = 1_500;
const GROUP_COMMIT_GOAL_RATIO = 20;
/** GOAL_INFLIGHT: the goal ratio is judged with this many proposals in flight (issue #3). */
const GOAL_INFLIGHT = 100;
/** GOAL_TRIALS: how many times the goal's case runs; its row is the median trial. */
const GOAL_TRIALS = 5;
/**
 * GOAL_WARMUP_TRIALS: trials of the goal's case run first and printed but not counted. V8 is still
 * compiling the round's hot path then (the raft README: the first trial at this depth is often
 * 5-35% slower than the next ones, though shallower cases ran before it), and the goal is about
 * a node in steady state.
 */
const GOAL_WARMUP_TRIALS = 1;
/** SYNC_SLOW_MS: the table counts the leader's synced writes slower than this (a histogram bound). */
const SYNC_SLOW_MS = 1;

/** BenchArgs: which cases to run; `--sizes 128 --inflight 100 --duration-ms 5000` narrows a run (profiling). */
interface BenchArgs {
  sizesBytes: number[];
  inflightCounts: number[];
  caseDurationMs: number;
}

function parseArgs(argv: readonly string[]): BenchArgs {
  const args: BenchArgs = {
    sizesBytes: ENTRY_SIZES_BYTES_DEFAULT, inflightCounts: INFLIGHT_COUNTS_DEFAULT, caseDurationMs: CASE_DURATION_MS_DEFAULT,
  };
  const numbers = (flag: string, value: string | undefined): number[] => {
    const list = (value ?? "").split(",").map(Number);
    if (list.length === 0 || !list.every((n) => Number.isSafeInteger(n) && n > 0)) {
      throw new Error(`${flag} wants comma-separated positive integers, got ${JSON.stringify(value)}`);
    }
    return list;
  };
  for (let i = 0; i < argv.length; i += 2) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (flag === "--sizes") args.sizesBytes = numbers(flag, value);
    else if (flag === "--inflight") args.inflightCounts = numbers(flag, value);
    else if (flag === "--duration-ms") args.caseDurationMs = numbers(flag, value)[0]!;
    else throw new Error(`unknown option ${JSON.stringify(flag)} (known: --sizes, --inflight, --duration-ms)`);
  }
  return args;
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

const WORKER_ENTRY = new URL("./ts-worker-entry.mjs", import.meta.url);

function startWorker<T>(config: T): { worker: Worker; first: Promise<unknown> } {
  const worker = new Worker(WORKER_ENTRY, { workerData: config });
  const first = new Promise((resolve, reject) => {
    worker.once("message", resolve);
    worker.once("error", reject);
  });
  return { worker, first };
}

/**
 * measureCeiling runs the replication ceiling (bench/ceiling-worker.ts) at one entry size and
 * depth: three replicas in worker threads, one synced LevelDB write per replica per round, commit
 * on the leader's write plus the first follower's answer, and nothing else.
 */
async function measureCeiling(root: string, run: CeilingRun): Promise<Ceiling> {
  const module = "./ceiling-worker.ts";
  const followers = ["f1", "f2"].map((name) =>
    startWorker<CeilingConfig & { module: string }>({ module, role: "follower", dataDir: join(root, name), followerPorts: [] }));
  const followerPorts = (await Promise.all(followers.map((f) => f.first))) as number[];
  const leader = startWorker<CeilingConfig & { module: string }>({ module, role: "leader", dataDir: join(root, "leader"), followerPorts });
  try {
    await leader.first;
    const sample = await new Promise<CeilingSample>((resolve) => {
      leader.worker.once("message", resolve);
      leader.worker.postMessage(run);
    });
    const { before, after } = sample.leaderSyncLatency;
    return {
      entriesPerSec: (sample.entries * 1000) / sample.elapsedMs,
      leaderSync: syncLatencyBetween(before, after, SYNC_SLOW_MS),
    };
  } finally {
    await Promise.all([leader, ...followers].map((w) => w.worker.terminate()));
  }
}

/** Ceiling: what the replication ceiling reached, and how its leader's synced writes went. */
interface Ceiling {
  entriesPerSec: number;
  leaderSync: SyncLatencyDelta;
}

interface NodeWorker {
  readonly id: string;
  readonly worker: Worker;
}

function request<T>(node: NodeWorker, command: BenchCommand): Promise<T> {
  return new Promise((resolve, reject) => {
    node.worker.once("message", (reply: T & { error?: string }) => {
      if (reply.error !== undefined) reject(new Error(`${node.id}: ${reply.error}`));
      else resolve(reply);
    });
    node.worker.postMessage(command);
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

async function startCluster(root: string): Promise<NodeWorker[]> {
  const ids = ["n1", "n2", "n3"];
  const ports: Record<string, number> = {};
  for (const id of ids) ports[id] = await freePort();
  const nodes = ids.map((id) => {
    const { worker, first } = startWorker<WorkerConfig & { module: string }>({
      module: "./raft-worker.ts", id, members: ids, dataDir: join(root, id), ports,
    });
    return { id, worker, first };
  });
  await Promise.all(nodes.map((n) => n.first));
  return nodes;
}

async function waitForLeader(nodes: NodeWorker[]): Promise<NodeWorker> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    for (const node of nodes) {
      const st = await request<NodeStatus>(node, { cmd: "status" });
      if (st.role === Role.Leader && st.applied >= st.termStartIndex) return node;
    }
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
  entriesPerSync: number;
  /** leaderSync: the leader's synced writes during the case (mean, share slower than SYNC_SLOW_MS). */
  leaderSync: SyncLatencyDelta;
  /** cpuUsPerEntry: CPU time of the whole process (3 nodes, LevelDB threads) per committed entry. */
  cpuUsPerEntry: number;
}

async function runCase(leader: NodeWorker, entryBytes: number, inflight: number, durationMs: number): Promise<CaseResult> {
  const cpuBefore = process.cpuUsage();
  const sample = await request<CaseSample>(leader, { cmd: "run", entryBytes, inflight, durationMs });
  const cpu = process.cpuUsage(cpuBefore);
  const latenciesMs = sample.latenciesMs.sort((a, b) => a - b);
  const pct = (p: number): number => latenciesMs[Math.min(latenciesMs.length - 1, Math.floor(latenciesMs.length * p))] ?? 0;
  const entriesPerSec = (latenciesMs.length * 1000) / sample.elapsedMs;
  const leaderSync = syncLatencyBetween(sample.leaderSyncLatency.before, sample.leaderSyncLatency.after, SYNC_SLOW_MS);
  return {
    entryBytes, inflight, entries: latenciesMs.length, entriesPerSec,
    mbPerSec: (entriesPerSec * entryBytes) / (1024 * 1024), p50Ms: pct(0.5), p99Ms: pct(0.99),
    entriesPerSync: latenciesMs.length / Math.max(1, leaderSync.count), leaderSync,
    cpuUsPerEntry: (cpu.user + cpu.system) / Math.max(1, latenciesMs.length),
  };
}

/** medianTrial returns the trial with the median entries/s (the upper one of an even count). */
function medianTrial(trials: readonly CaseResult[]): CaseResult {
  const sorted = [...trials].sort((a, b) => a.entriesPerSec - b.entriesPerSec);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function percent(share: number): string {
  return `${(100 * share).toFixed(1)}%`;
}

function row(cells: Array<string | number>): string {
  const widths = [10, 9, 9, 12, 9, 9, 9, 10, 14, 13, 13, 11];
  return cells.map((c, i) => String(c).padStart(widths[i] ?? 10)).join(" ");
}

/**
 * summaryLine: one line for the whole run. The goal is judged at GOAL_INFLIGHT proposals in
 * flight (the best entry size); deeper pipelines are named beside it, since they show how far
 * group commit stretches once the per-round latency is amortised over more entries.
 */
function summaryLine(results: readonly CaseResult[], fsyncPerSec: number, ceilings: ReadonlyMap<number, Ceiling>): string {
  const parts: string[] = [];
  let verdict = `no case at ${GOAL_INFLIGHT} in flight`;
  for (const inflight of [...new Set(results.map((r) => r.inflight))].filter((n) => n >= GOAL_INFLIGHT)) {
    const best = results.filter((r) => r.inflight === inflight).sort((a, b) => b.entriesPerSec - a.entriesPerSec)[0]!;
    const ratio = best.entriesPerSec / fsyncPerSec;
    parts.push(`${inflight} in flight (${best.entryBytes} B): ${best.entriesPerSec.toFixed(0)} entries/s = ${ratio.toFixed(2)}x`);
    if (inflight === GOAL_INFLIGHT) {
      verdict = ratio >= GROUP_COMMIT_GOAL_RATIO ? "goal met" : "goal NOT met";
      const ceiling = ceilings.get(best.entryBytes);
      if (ceiling !== undefined) verdict += ` (this machine's ceiling there: ${(ceiling.entriesPerSec / fsyncPerSec).toFixed(2)}x)`;
    }
  }
  return `summary: raw fsync ${fsyncPerSec.toFixed(0)}/s; ${parts.join("; ")}; ` +
    `goal ${GROUP_COMMIT_GOAL_RATIO}x at ${GOAL_INFLIGHT} in flight: ${verdict}`;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const root = mkdtempSync(join(tmpdir(), "flotilla-bench-raft-"));
  try {
    // The disk may be shared and its fsync rate drift, so it is probed before and after the
    // cluster cases and the ratio uses the mean of both probes.
    const fsyncBeforePerSec = measureFsyncRate(root);
    const results: CaseResult[] = [];
    for (const entryBytes of args.sizesBytes) {
      // A fresh cluster (and data directories) per entry size: LevelDB's compaction debt from
      // hundreds of MB written by one size would otherwise slow the next one, and the table
      // would depend on the order of the cases.
      const nodes = await startCluster(join(root, `entries-${entryBytes}`));
      const leader = await waitForLeader(nodes);
      for (const inflight of args.inflightCounts) {
        // The goal's case is run GOAL_TRIALS times after its warm-up and judged by its median
        // trial: on a shared two-core VM one trial swings by +-10%, and a verdict should not rest
        // on a lucky one.
        const isGoalCase = inflight === GOAL_INFLIGHT;
        const warmups: CaseResult[] = [];
        for (let t = 0; t < (isGoalCase ? GOAL_WARMUP_TRIALS : 0); t++) {
          warmups.push(await runCase(leader, entryBytes, inflight, args.caseDurationMs));
        }
        const trials: CaseResult[] = [];
        for (let t = 0; t < (isGoalCase ? GOAL_TRIALS : 1); t++) {
          trials.push(await runCase(leader, entryBytes, inflight, args.caseDurationMs));
        }
        const r = medianTrial(trials);
        results.push(r);
        const rates = (cases: readonly CaseResult[]): string => cases.map((x) => x.entriesPerSec.toFixed(0)).join(", ");
        const perTrial = trials.length > 1 ? ` (median of ${rates(trials)}; warm-up, not counted: ${rates(warmups)})` : "";
        console.log(`  ${r.entryBytes} B x ${inflight} in flight: ${r.entriesPerSec.toFixed(0)} entries/s${perTrial}`);
      }
      await Promise.all(nodes.map((n) => request(n, { cmd: "stop" })));
      await Promise.all(nodes.map((n) => n.worker.terminate()));
    }
    // The ceiling at the goal's depth, per entry size, in the same run (see ceiling-worker.ts).
    const ceilings = new Map<number, Ceiling>();
    if (args.inflightCounts.includes(GOAL_INFLIGHT)) {
      for (const entryBytes of args.sizesBytes) {
        const run: CeilingRun = { entryBytes, inflight: GOAL_INFLIGHT, durationMs: args.caseDurationMs };
        ceilings.set(entryBytes, await measureCeiling(join(root, `ceiling-${entryBytes}`), run));
      }
    }
    const fsyncAfterPerSec = measureFsyncRate(root);
    const fsyncPerSec = (fsyncBeforePerSec + fsyncAfterPerSec) / 2;
    console.log(
      `raw sequential fsync (128 B write + fdatasync, ${root}): before ${fsyncBeforePerSec.toFixed(0)}/s, ` +
        `after ${fsyncAfterPerSec.toFixed(0)}/s, mean ${fsyncPerSec.toFixed(0)}/s`,
    );
    console.log(row([
      "entry", "inflight", "entries", "entries/s", "MB/s", "p50 ms", "p99 ms", "x fsync", "entries/fsync", "cpu us/entry",
      "sync mean ms", `sync >${SYNC_SLOW_MS} ms`,
    ]));
    for (const r of results) {
      console.log(row([
        r.entryBytes >= 1024 ? `${r.entryBytes / 1024} KiB` : `${r.entryBytes} B`, r.inflight, r.entries,
        r.entriesPerSec.toFixed(0), r.mbPerSec.toFixed(2), r.p50Ms.toFixed(2), r.p99Ms.toFixed(2),
        (r.entriesPerSec / fsyncPerSec).toFixed(2), r.entriesPerSync.toFixed(1), r.cpuUsPerEntry.toFixed(1),
        r.leaderSync.meanMs.toFixed(3), percent(r.leaderSync.shareOver),
      ]));
    }
    for (const [entryBytes, ceiling] of ceilings) {
      const ours = results.find((r) => r.entryBytes === entryBytes && r.inflight === GOAL_INFLIGHT)!;
      const perSec = ceiling.entriesPerSec;
      console.log(
        `ceiling at ${GOAL_INFLIGHT} in flight, ${entryBytes} B (3 replicas, one synced LevelDB write each per round, ` +
          `no Raft): ${perSec.toFixed(0)} entries/s = ${(perSec / fsyncPerSec).toFixed(2)}x fsync; ` +
          `RaftNode reaches ${((100 * ours.entriesPerSec) / perSec).toFixed(0)}% of it; ` +
          `leader's synced writes: ceiling mean ${ceiling.leaderSync.meanMs.toFixed(3)} ms, ` +
          `${percent(ceiling.leaderSync.shareOver)} over ${SYNC_SLOW_MS} ms (RaftNode: ${ours.leaderSync.meanMs.toFixed(3)} ms, ` +
          `${percent(ours.leaderSync.shareOver)})`,
      );
    }
    console.log(summaryLine(results, fsyncPerSec, ceilings));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error("bench:raft failed:", error);
  process.exit(1);
});
