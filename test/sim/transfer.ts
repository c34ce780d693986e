/**
 * SnapshotTransfers: snapshot data in flight between simulated nodes.
 *
 * The core's Snapshot message carries only meta. The simulated network intercepts it, attaches
 * the sender's snapshot data and splits it into chunks; the receiver steps the message into its
 * core only when every chunk has arrived. The first lost chunk fails the transfer, and the
 * sender's driver reports the outcome (ok or not) with reportSnapshot.
 */
import type { StoredSnapshot } from "./disk";
import type { NodeId, SnapshotMessage } from "./raft";

/** TransferState is the life cycle of one transfer. */
export const TransferState = { Streaming: "streaming", Done: "done", Failed: "failed" } as const;
export type TransferState = (typeof TransferState)[keyof typeof TransferState];

/** SnapshotTransfer is one snapshot being streamed from `from` to `to`. */
export interface SnapshotTransfer {
  readonly id: number;
  readonly from: NodeId;
  readonly fromIncarnation: number;
  readonly to: NodeId;
  readonly message: SnapshotMessage;
  readonly snapshot: StoredSnapshot;
  readonly chunkCount: number;
  readonly received: Set<number>;
  state: TransferState;
}

/** ChunkOutcome says what a chunk's fate means for its transfer. */
export const ChunkOutcome = { Nothing: "nothing", Completed: "completed", Failed: "failed" } as const;
export type ChunkOutcome = (typeof ChunkOutcome)[keyof typeof ChunkOutcome];

/** SnapshotTransfers tracks every transfer still streaming. */
export class SnapshotTransfers {
  private readonly transfers = new Map<number, SnapshotTransfer>();
  private transferIdNext = 1;

  /** start registers a transfer of `chunkCount` chunks and returns it. */
  start(
    from: NodeId,
    fromIncarnation: number,
    message: SnapshotMessage,
    snapshot: StoredSnapshot,
    chunkCount: number,
  ): SnapshotTransfer {
    if (chunkCount < 1) throw new RangeError(`chunkCount must be >= 1, got ${chunkCount}`);
    const transfer: SnapshotTransfer = {
      id: this.transferIdNext++,
      from,
      fromIncarnation,
      to: message.to,
      message,
      snapshot,
      chunkCount,
      received: new Set(),
      state: TransferState.Streaming,
    };
    this.transfers.set(transfer.id, transfer);
    return transfer;
  }

  /** get returns a transfer still tracked. */
  get(transferId: number): SnapshotTransfer | undefined {
    return this.transfers.get(transferId);
  }

  /** chunkArrived records a delivered chunk (duplicates count once). */
  chunkArrived(transferId: number, chunkIndex: number): ChunkOutcome {
    const transfer = this.transfers.get(transferId);
    if (transfer === undefined || transfer.state !== TransferState.Streaming) return ChunkOutcome.Nothing;
    transfer.received.add(chunkIndex);
    if (transfer.received.size < transfer.chunkCount) return ChunkOutcome.Nothing;
    transfer.state = TransferState.Done;
    this.transfers.delete(transferId);
    return ChunkOutcome.Completed;
  }

  /** chunkLost fails the transfer on its first lost chunk. */
  chunkLost(transferId: number): ChunkOutcome {
    const transfer = this.transfers.get(transferId);
    if (transfer === undefined || transfer.state !== TransferState.Streaming) return ChunkOutcome.Nothing;
    transfer.state = TransferState.Failed;
    this.transfers.delete(transferId);
    return ChunkOutcome.Failed;
  }

  /** streamingCount is the number of transfers not yet done or failed. */
  streamingCount(): number {
    return this.transfers.size;
  }
}
