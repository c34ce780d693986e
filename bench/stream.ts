/**
 * bench:stream — how fast the stream path goes on this machine, in process (no network, no
 * Raft): (1) messages/s applied into the level store for atomic batches of 100 × 128 B, each
 * batch ONE `batch` entry as the leader builds it; (2) the leader's §4.2 header checks/s on the
 * batching path; (3) the whole leader path (staging + checks + encoding) in messages/s.
 * A benchmark, not a test: it prints a table and one summary line, and exits non-zero only if a
 * run fails or the store does not hold exactly what was applied.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, platform, release, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { StreamStore, validateStreamConfig, type StreamView } from "../packages/stream/src/index";
import {
  BatchingLeader,
  ManualClock,
  PublishStatus,
  StagedDiff,
  StreamInflight,
  buildHeaders,
  checkMessage,
  type InboundMessage,
} from "../packages/batching/src/internal";

const BATCH_MSGS = 100;
const PAYLOAD_BYTES = 128;
const APPLY_BATCHES = 300;
const CHECK_ROUNDS = 400;
const PUBLISH_BATCHES = 200;

interface Row {
  readonly name: string;
  readonly count: number;
  readonly unit: string;
  readonly elapsedMs: number;
}

function rate(row: Row): number {
  return (row.count * 1000) / row.elapsedMs;
}

function batchMessage(batch: number, seq: number, payload: Uint8Array): InboundMessage {
  const pairs: [string, string][] = [
    ["Nats-Batch-Id", `b${batch}`],
    ["Nats-Batch-Sequence", String(seq)],
    ["Nats-Msg-Id", `m${batch}-${seq}`],
  ];
  if (seq === BATCH_MSGS) pairs.push(["Nats-Batch-Commit", "1"]);
  return { subject: `bench.s${seq % 10}`, headers: buildHeaders(pairs), data: payload, reply: "_INBOX.bench" };
}

/** proposeBatches runs the leader path for `batches` batches and returns the encoded entries. */
function proposeBatches(leader: BatchingLeader, held: Uint8Array[], batches: number, firstBatch: number): void {
  const payload = new Uint8Array(PAYLOAD_BYTES).fill(97);
  for (let b = firstBatch; b < firstBatch + batches; b++) {
    for (let seq = 1; seq <= BATCH_MSGS; seq++) {
      const out = leader.publish("BENCH", batchMessage(b, seq, payload));
      const expected = seq === BATCH_MSGS ? PublishStatus.Proposed : PublishStatus.Staged;
      if (out.status !== expected) throw new Error(`batch ${b} seq ${seq}: ${out.status} ${out.error?.message ?? ""}`);
    }
  }
  if (held.length < batches) throw new Error(`expected ${batches} proposals, got ${held.length}`);
}

async function benchApply(store: StreamStore, leader: BatchingLeader, held: Uint8Array[]): Promise<Row> {
  proposeBatches(leader, held, APPLY_BATCHES, 0);
  const entries = held.splice(0);
  let index = 1;
  const start = performance.now();
  for (const bytes of entries) {
    const result = await store.applyEncoded(++index, bytes);
    leader.onApplied(result);
  }
  const elapsedMs = performance.now() - start;
  const lastSeq = store.view("BENCH")?.lastSeq;
  if (lastSeq !== APPLY_BATCHES * BATCH_MSGS) throw new Error(`store holds last seq ${lastSeq}`);
  return { name: `apply batches of ${BATCH_MSGS} x ${PAYLOAD_BYTES} B (level)`, count: lastSeq, unit: "msg/s", elapsedMs };
}

function benchChecks(view: StreamView): Row {
  const payload = new Uint8Array(PAYLOAD_BYTES).fill(98);
  const inputs = Array.from({ length: BATCH_MSGS }, (_, k) => {
    const headers = buildHeaders([
      ["Nats-Batch-Id", "check"],
      ["Nats-Batch-Sequence", String(k + 1)],
      ["Nats-Msg-Id", `check-${k}`],
      ["Nats-Expected-Last-Subject-Sequence", String(view.subjectLastSeq(`bench.x${k}`))],
    ]);
    return { subject: `bench.x${k}`, rawSubject: `bench.x${k}`, headers, data: payload };
  });
  const inflight = new StreamInflight();
  const nowNs = BigInt(Date.now()) * 1_000_000n;
  let checks = 0;
  const start = performance.now();
  for (let round = 0; round < CHECK_ROUNDS; round++) {
    const diff = new StagedDiff();
    for (const [k, input] of inputs.entries()) {
      const outcome = checkMessage({ view, inflight, nowNs }, diff, input, view.lastSeq + k);
      if (!outcome.ok) throw new Error(`check failed: ${outcome.error.message}`);
      checks++;
    }
  }
  return { name: "header checks (§4.2, batch path)", count: checks, unit: "checks/s", elapsedMs: performance.now() - start };
}

function benchPublish(leader: BatchingLeader, held: Uint8Array[]): Row {
  const start = performance.now();
  proposeBatches(leader, held, PUBLISH_BATCHES, APPLY_BATCHES);
  const elapsedMs = performance.now() - start;
  held.splice(0);
  return { name: "leader path: stage + check + encode", count: PUBLISH_BATCHES * BATCH_MSGS, unit: "msg/s", elapsedMs };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "flotilla-bench-stream-"));
  const cpu = cpus();
  const machine = `${cpu[0]?.model ?? "unknown cpu"} x${cpu.length}, ${platform()} ${release()}, ${Math.round(totalmem() / 2 ** 30)} GiB`;
  console.log(`bench:stream  node ${process.version}  ${machine}`);
  try {
    const store = await StreamStore.open(join(dir, "store"));
    const config = validateStreamConfig({ name: "BENCH", subjects: ["bench.>"], storage: "file", allow_atomic: true }, []);
    await store.apply(1, { op: "stream.create", config });
    const held: Uint8Array[] = [];
    const clock = new ManualClock();
    const leader = new BatchingLeader({
      views: (name) => store.view(name),
      propose: (bytes) => (held.push(bytes), true),
      clock,
      scheduler: clock,
      newAdvisoryId: () => "bench",
    });
    const view = store.view("BENCH");
    if (view === undefined) throw new Error("stream BENCH was not created");
    const rows = [await benchApply(store, leader, held), benchChecks(view), benchPublish(leader, held)];
    for (const row of rows) {
      const perSecond = Math.round(rate(row)).toLocaleString("en-US");
      console.log(`  ${row.name.padEnd(44)} ${perSecond.padStart(12)} ${row.unit}  (${row.count} in ${row.elapsedMs.toFixed(0)} ms)`);
    }
    await store.close();
    const [apply, checks, publish] = rows.map((row) => Math.round(rate(row)));
    console.log(
      `summary: apply=${apply} msg/s (batches of ${BATCH_MSGS} x ${PAYLOAD_BYTES} B) checks=${checks}/s leader=${publish} msg/s node=${process.version} cpu="${cpu[0]?.model ?? "unknown"}" x${cpu.length}`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error("bench:stream failed:", err);
  process.exit(1);
});
