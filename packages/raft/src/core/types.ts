/**
 * Types shared by the pure Raft core, its driver and the simulator.
 *
 * The core never sees bytes on a wire or a disk: entries carry opaque payloads, messages are
 * plain objects (the transport encodes them), and snapshot *data* never enters the core —
 * only its metadata does. Moving snapshot bytes (in chunks) is the driver's job.
 */

/** NodeId names one member of the cluster, for example "n1". */
export type NodeId = string;
/** Term is a Raft term number; it never decreases on a node. */
export type Term = number;
/** LogIndex is a 1-based position in the Raft log; 0 means "before the first entry". */
export type LogIndex = number;
/** Ticks counts calls to `RaftCore.tick()`; the core has no other notion of time. */
export type Ticks = number;
/** Bytes is a size in bytes. */
export type Bytes = number;

/** EntryKind tells a user proposal apart from the no-op a new leader appends. */
export const EntryKind = { Normal: 0, Noop: 1 } as const;
export type EntryKind = (typeof EntryKind)[keyof typeof EntryKind];

/** Entry is one record of the replicated log. One proposal is exactly one entry. */
export interface Entry {
  readonly term: Term;
  readonly index: LogIndex;
  readonly kind: EntryKind;
  readonly data: Uint8Array;
}

/** HardState is what must be durable before the node sends anything that depends on it. */
export interface HardState {
  readonly term: Term;
  readonly vote: NodeId | null;
  readonly commit: LogIndex;
}

/** SnapshotMeta describes a snapshot: the state machine after applying `index`. */
export interface SnapshotMeta {
  readonly index: LogIndex;
  readonly term: Term;
  /** The voting members at `index` (the configuration is static for now). */
  readonly peers: readonly NodeId[];
}

/** Prng is the only source of randomness the core may use; the simulator seeds it. */
export interface Prng {
  /** nextInt returns an integer in [0, maxExclusive). */
  nextInt(maxExclusive: number): number;
}
