/**
 * SnapshotSender: streams the stored snapshot to a follower the core asked to receive one, one
 * chunk frame at a time, waiting for the socket to drain between chunks so the snapshot is never
 * queued whole in memory. It then reports success or failure to the core.
 */
import type { Logger } from "pino";
import type { SnapshotMessage } from "../core/messages";
import type { NodeId } from "../core/types";
import type { RaftStorage } from "../storage/level-storage";
import { StorageCorruptionError } from "../storage/errors";
import type { Transport } from "../transport/transport";
import { FrameKind } from "../transport/wire";

/** SnapshotSender runs at most one transfer per peer. */
export class SnapshotSender {
  private readonly active = new Set<NodeId>();
  private stopped = false;

  constructor(
    private readonly storage: RaftStorage,
    private readonly transport: Transport,
    private readonly logger: Logger,
    private readonly report: (peer: NodeId, ok: boolean) => void,
  ) {}

  /** send starts streaming for `msg` unless a transfer to that peer is already running. */
  send(msg: SnapshotMessage): void {
    if (this.active.has(msg.to) || this.stopped) return;
    this.active.add(msg.to);
    void this.stream(msg).then(
      (ok) => this.finish(msg, ok),
      (error: unknown) => {
        // Storage failing under a transfer (for example closed by stop) fails only this transfer.
        this.logger.warn({ peer: msg.to, err: (error as Error).message }, "raft node: snapshot transfer aborted");
        this.finish(msg, false);
      },
    );
  }

  private finish(msg: SnapshotMessage, ok: boolean): void {
    this.active.delete(msg.to);
    if (this.stopped) return;
    this.logger.info({ peer: msg.to, index: msg.meta.index, ok }, "raft node: snapshot transfer finished");
    this.report(msg.to, ok);
  }

  /** stop abandons running transfers at their next chunk. */
  stop(): void {
    this.stopped = true;
  }

  private async stream(msg: SnapshotMessage): Promise<boolean> {
    const snap = this.storage.snapshot;
    if (snap === null || snap.meta.index !== msg.meta.index || snap.meta.term !== msg.meta.term) {
      this.logger.warn({ peer: msg.to, index: msg.meta.index }, "raft node: offered snapshot is no longer stored");
      return false;
    }
    let seq = 0;
    try {
      for await (const data of this.storage.readChunks(snap)) {
        if (this.stopped) return false;
        const last = seq === snap.chunks - 1;
        if (!this.transport.send(msg.to, { k: FrameKind.SnapshotChunk, msg, seq, data, last })) return false;
        if (!(await this.transport.drained(msg.to))) return false;
        seq++;
      }
    } catch (error) {
      if (!(error instanceof StorageCorruptionError)) throw error;
      this.logger.error({ err: error.message, index: snap.meta.index }, "raft node: stored snapshot is corrupt; cannot send");
      return false;
    }
    return seq === snap.chunks;
  }
}
