/**
 * RaftNodeOptions: everything needed to open a durable Raft node, with LAN defaults.
 */
import type { Logger } from "pino";
import type { RaftConfig } from "../core/config";
import type { NodeId } from "../core/types";
import type { PeerAddress } from "../transport/outbound-peer";
import type { Transport } from "../transport/transport";
import type { StateMachine } from "./state-machine";

/** RaftTuning: the core parameters a node may override (defaults from the core's limits.ts). */
export type RaftTuning = Partial<Pick<RaftConfig,
  "preVote" | "checkQuorum" | "entryBytesMax" | "appendBytesMax" | "inflightAppendsMax" |
  "uncommittedEntriesMax" | "uncommittedBytesMax">>;

/** RaftNodeOptions configures RaftNode.open. */
export interface RaftNodeOptions {
  readonly id: NodeId;
  /** members lists every voter, including `id`. */
  readonly members: readonly NodeId[];
  /** dataDir is this node's LevelDB directory (created if missing). */
  readonly dataDir: string;
  readonly stateMachine: StateMachine;
  /** cluster name and shared secret: both must match for peers to connect. */
  readonly cluster: string;
  readonly secret: string | Uint8Array;
  /** listen: default 127.0.0.1 on an ephemeral port. */
  readonly listen?: PeerAddress;
  /** peerAddresses: where the other members listen (null: set later with setPeerAddress). */
  readonly peerAddresses?: Readonly<Record<NodeId, PeerAddress | null>>;
  /** transport replaces the TCP transport (for example an in-memory one). */
  readonly transport?: Transport;
  /** logger: pino logger; default silent. */
  readonly logger?: Logger;
  readonly tickIntervalMs?: number;
  readonly electionTimeoutTicks?: number;
  readonly heartbeatIntervalTicks?: number;
  /** snapshotEntries: snapshot and compact after this many entries applied since the last snapshot. */
  readonly snapshotEntries?: number;
  /** snapshotTrailingEntries: entries kept in the log behind a snapshot. */
  readonly snapshotTrailingEntries?: number;
  /** snapshotChunkBytes: the size of stored and transferred snapshot chunks. */
  readonly snapshotChunkBytes?: number;
  /** frameBytesMax: transport frame limit (default FRAME_BYTES_MAX_DEFAULT). */
  readonly frameBytesMax?: number;
  readonly raft?: RaftTuning;
  /** prngSeed seeds election jitter; default derived from the clock and the node id. */
  readonly prngSeed?: number;
}
