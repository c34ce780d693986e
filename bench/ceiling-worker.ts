/**
 * One replica of the replication ceiling that bench:raft prints beside Flotilla's figures: what
 * three replicas on this machine commit per second when a round costs only the unavoidable work.
 *
 * A round: the leader sends the round's entries (one blob) to both followers over TCP and writes
 * it in one synced LevelDB batch; each follower writes it in one synced batch and answers with
 * one byte; the round commits once the leader's write and the first answer are in. No Raft, no
 * message codec, no promises per entry, no state machine: the gap between this and RaftNode is
 * Flotilla's own overhead, and this row is the most any implementation could reach here.
 */
import { createServer, connect, type Socket } from "node:net";
import { performance } from "node:perf_hooks";
import { parentPort, workerData } from "node:worker_threads";
import { Level } from "level";
import { ENTRY_RUN_HEADER_BYTES } from "../packages/raft/src/entry-run";
import { LEVEL_WRITE_BUFFER_BYTES } from "../packages/raft/src/storage/limits";
import { SyncLatency, type SyncLatencyHistogram } from "../packages/raft/src/storage/sync-latency";
import { FRAME_HEADER_BYTES } from "../packages/raft/src/transport/limits";

/** CeilingConfig is the workerData of one ceiling replica. */
export interface CeilingConfig {
  role: "leader" | "follower";
  dataDir: string;
  /** followerPorts: where the followers listen (leader only). */
  followerPorts: number[];
}

/** CeilingRun asks the leader for one closed-loop run. */
export interface CeilingRun {
  entryBytes: number;
  inflight: number;
  durationMs: number;
}

/** CeilingSample is what a run returns. */
export interface CeilingSample {
  entries: number;
  elapsedMs: number;
  /** leaderSyncLatency: the leader's synced writes (timed as RaftStorage times its own), before and after the run. */
  leaderSyncLatency: { before: SyncLatencyHistogram; after: SyncLatencyHistogram };
}

type Db = Level<Uint8Array, Uint8Array>;

const HARD_STATE_BYTES = 40;

async function openDb(dir: string): Promise<Db> {
  const db: Db = new Level<Uint8Array, Uint8Array>(dir, {
    keyEncoding: "view", valueEncoding: "view", writeBufferSize: LEVEL_WRITE_BUFFER_BYTES,
  });
  await db.open();
  return db;
}

/** writeRound stores one round as RaftNode does: the entries record and two hard-state copies, synced. */
async function writeRound(db: Db, round: number, blob: Uint8Array): Promise<void> {
  const key = Buffer.alloc(8);
  key.writeBigUInt64BE(BigInt(round));
  const batch = db.batch();
  batch.put(key, blob);
  batch.put(Buffer.from("h0"), Buffer.alloc(HARD_STATE_BYTES));
  batch.put(Buffer.from("h1"), Buffer.alloc(HARD_STATE_BYTES));
  await batch.write({ sync: true });
}

async function follower(config: CeilingConfig): Promise<void> {
  const db = await openDb(config.dataDir);
  let round = 0;
  const server = createServer((socket) => {
    socket.setNoDelay(true);
    let pending: Buffer = Buffer.alloc(0);
    let writing = false;
    const drain = async (): Promise<void> => {
      writing = true;
      while (pending.length >= FRAME_HEADER_BYTES && pending.length >= FRAME_HEADER_BYTES + pending.readUInt32BE(0)) {
        const length = pending.readUInt32BE(0);
        const blob = pending.subarray(FRAME_HEADER_BYTES, FRAME_HEADER_BYTES + length);
        pending = pending.subarray(FRAME_HEADER_BYTES + length);
        await writeRound(db, round++, blob);
        socket.write(Buffer.of(1));
      }
      writing = false;
    };
    socket.on("data", (chunk: Buffer) => {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      if (!writing) void drain();
    });
  });
  server.listen(0, "127.0.0.1", () => parentPort!.postMessage((server.address() as { port: number }).port));
}

async function leader(config: CeilingConfig): Promise<void> {
  const db = await openDb(config.dataDir);
  const sockets: Socket[] = [];
  for (const port of config.followerPorts) {
    const socket = connect({ host: "127.0.0.1", port });
    socket.setNoDelay(true);
    await new Promise((resolve) => socket.once("connect", resolve));
    sockets.push(socket);
  }
  // Followers answer rounds in order: the n-th byte from a follower acknowledges round n - 1.
  const answered = sockets.map(() => 0);
  let waiting: { round: number; resolve: () => void } | null = null;
  sockets.forEach((socket, i) => socket.on("data", (acks: Buffer) => {
    answered[i]! += acks.length;
    if (waiting !== null && answered[i]! > waiting.round) {
      waiting.resolve();
      waiting = null;
    }
  }));
  parentPort!.on("message", (run: CeilingRun) => {
    void closedLoop(run).then((sample) => parentPort!.postMessage(sample));
  });
  parentPort!.postMessage("ready");

  async function closedLoop(run: CeilingRun): Promise<CeilingSample> {
    const latency = new SyncLatency();
    const timedWrite = async (round: number, blob: Uint8Array): Promise<void> => {
      const startedMs = performance.now();
      await writeRound(db, round, blob);
      latency.record(performance.now() - startedMs);
    };
    const before = latency.read();
    let round = 0;
    const start = performance.now();
    while (performance.now() - start < run.durationMs) {
      const blob = Buffer.alloc(run.inflight * (ENTRY_RUN_HEADER_BYTES + run.entryBytes), 0x61);
      const header = Buffer.alloc(FRAME_HEADER_BYTES);
      header.writeUInt32BE(blob.length);
      const thisRound = round;
      const firstAck = new Promise<void>((resolve) => {
        waiting = { round: thisRound, resolve };
      });
      for (const socket of sockets) {
        socket.cork();
        socket.write(header);
        socket.write(blob);
        socket.uncork();
      }
      await Promise.all([timedWrite(round++, blob), firstAck]);
    }
    const elapsedMs = performance.now() - start;
    return { entries: round * run.inflight, elapsedMs, leaderSyncLatency: { before, after: latency.read() } };
  }
}

const config = workerData as CeilingConfig;
if (config.role === "leader") void leader(config);
else void follower(config);
