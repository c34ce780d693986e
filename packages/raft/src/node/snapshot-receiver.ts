/**
 * SnapshotReceiver: stages the chunks of a snapshot a leader streams to us in storage (never in
 * memory), and when the last chunk is stored hands the Snapshot message to the core. The staged
 * generation is installed when the core returns that snapshot in a Ready.
 */
import type { Logger } from "pino";
import { assert } from "../assert";
import type { SnapshotMessage } from "../core/messages";
import type { NodeId, SnapshotMeta } from "../core/types";
import type { StoredSnapshot } from "../storage/codec";
import type { RaftStorage } from "../storage/level-storage";
import type { SnapshotChunkFrame } from "../transport/wire";

interface Staging {
  readonly msg: SnapshotMessage;
  readonly gen: number;
  nextSeq: number;
  bytes: number;
  /** writes: the chain of chunk writes, in order. */
  writes: Promise<void>;
  failed: boolean;
}

function sameOffer(a: SnapshotMessage, b: SnapshotMessage): boolean {
  return a.term === b.term && a.meta.index === b.meta.index && a.meta.term === b.meta.term;
}

/** SnapshotReceiver keeps one staging per sending peer and the latest completed one. */
export class SnapshotReceiver {
  private readonly staging = new Map<NodeId, Staging>();
  private completed: StoredSnapshot | null = null;

  constructor(
    private readonly storage: RaftStorage,
    private readonly logger: Logger,
    private readonly deliver: (msg: SnapshotMessage) => void,
  ) {}

  /** onChunk stages one chunk; out-of-sequence chunks abandon the transfer (the leader retries). */
  onChunk(from: NodeId, frame: SnapshotChunkFrame): void {
    let st = this.staging.get(from);
    if (frame.seq === 0) {
      if (st !== undefined) this.abandon(from, st, "a new transfer started");
      st = { msg: frame.msg, gen: this.storage.allocateGeneration(), nextSeq: 0, bytes: 0, writes: Promise.resolve(), failed: false };
      this.staging.set(from, st);
    } else if (st === undefined || st.nextSeq !== frame.seq || !sameOffer(st.msg, frame.msg)) {
      this.logger.warn({ peer: from, seq: frame.seq }, "raft node: snapshot chunk out of sequence; transfer abandoned");
      if (st !== undefined) this.abandon(from, st, "chunk out of sequence");
      return;
    }
    const staging = st;
    const seq = staging.nextSeq++;
    staging.bytes += frame.data.length;
    // Each link of the write chain handles its own failure, so no rejection is left unobserved
    // (for example when storage closes under a transfer at stop).
    staging.writes = staging.writes.then(async () => {
      if (staging.failed) return;
      try {
        await this.storage.writeChunk(staging.gen, seq, frame.data);
      } catch (error) {
        this.failed(from, staging, error);
      }
    });
    if (frame.last) {
      this.staging.delete(from);
      void staging.writes.then(() => this.complete(staging));
    }
  }

  /** take returns the staged snapshot the core has just accepted (Ready.snapshot). */
  take(meta: SnapshotMeta): StoredSnapshot {
    const done = this.completed;
    assert(done !== null, `core installs snapshot ${meta.index} that was never staged`);
    assert(done.meta.index === meta.index && done.meta.term === meta.term, "installed snapshot matches the staged one");
    this.completed = null;
    return done;
  }

  private complete(st: Staging): void {
    if (st.failed) return;
    const stored: StoredSnapshot = { meta: st.msg.meta, gen: st.gen, chunks: st.nextSeq, bytes: st.bytes };
    const previous = this.completed;
    // Only the newest completed transfer can still be installed; an older one is garbage.
    if (previous !== null) void this.discard(previous.gen);
    this.completed = stored;
    this.logger.info({ peer: st.msg.from, index: stored.meta.index, bytes: stored.bytes }, "raft node: snapshot staged");
    this.deliver(st.msg);
  }

  private failed(from: NodeId, st: Staging, error: unknown): void {
    if (st.failed) return;
    st.failed = true;
    this.logger.error({ peer: from, err: (error as Error).message }, "raft node: staging a snapshot chunk failed");
    void this.discard(st.gen);
  }

  private abandon(from: NodeId, st: Staging, reason: string): void {
    st.failed = true;
    this.staging.delete(from);
    this.logger.info({ peer: from, reason }, "raft node: staged snapshot abandoned");
    void st.writes.then(() => this.discard(st.gen));
  }

  /** discardUnclaimed drops a completed snapshot the core did not install (it was not needed). */
  discardUnclaimed(): void {
    const done = this.completed;
    if (done === null) return;
    this.completed = null;
    void this.discard(done.gen);
  }

  private async discard(gen: number): Promise<void> {
    try {
      await this.storage.discardGeneration(gen);
    } catch (error) {
      // Stray generations are also deleted on the next start (RaftStorage.load).
      this.logger.warn({ gen, err: (error as Error).message }, "raft node: could not discard a staged snapshot");
    }
  }
}
