/**
 * The interface between the Raft node and the replicated application state (for Flotilla, the
 * stream). Entries are bytes; the state machine decides what they mean.
 */
import type { Entry, LogIndex } from "../core/types";

/** StateMachine is driven by the node: committed entries in order, snapshots streamed. */
export interface StateMachine {
  /**
   * apply applies committed entries in log order. It includes the leader no-ops
   * (kind === EntryKind.Noop), which carry no data and must change nothing. It must be
   * deterministic and must not refuse (design.md decision 6).
   */
  apply(entries: readonly Entry[]): Promise<void> | void;
  /**
   * snapshot returns the state as a stream of byte chunks. It is called between two `apply`
   * calls and must reflect exactly the state at that moment, even while later `apply` calls run
   * as the stream is consumed (for example by reading through a storage snapshot).
   */
  snapshot(): AsyncIterable<Uint8Array>;
  /** restore replaces the whole state with the streamed snapshot. */
  restore(chunks: AsyncIterable<Uint8Array>): Promise<void>;
  /**
   * appliedIndex (optional): for a state machine that persists itself, the last index it has
   * durably applied, read at start-up so entries are not applied twice. Absent: the state is
   * in memory and is rebuilt from the snapshot plus the log on every start.
   */
  appliedIndex?(): Promise<LogIndex> | LogIndex;
}
