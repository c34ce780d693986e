/**
 * RaftNodeOptions: everything needed to open a durable Raft node, with LAN defaults, and how they
 * are checked and turned into the core's RaftConfig.
 */
import type { Logger } from "pino";
import { defaultRaftConfig, type RaftConfig } from "../core/config";
import { SeededPrng } from "../core/prng";
import type { NodeId } from "../core/types";
import { SNAPSHOT_CHUNK_BYTES_DEFAULT } from "../storage/limits";
import { FRAME_BYTES_MAX_DEFAULT, HANDSHAKE_NAME_BYTES_MAX } from "../transport/limits";
import type { PeerAddress } from "../transport/outbound-peer";
import type { Transport } from "../transport/transport";
import { isName } from "../transport/wire";
import { FRAME_OVERHEAD_BYTES, NODE_ELECTION_TIMEOUT_TICKS_DEFAULT, NODE_HEARTBEAT_INTERVAL_TICKS_DEFAULT } from "./limits";
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

/**
 * validateNodeOptions throws a RangeError naming the option when the limits cannot work together:
 * an Append carrying one maximal entry, and a snapshot chunk, must each fit one transport frame,
 * or the receiver would close the connection on every attempt. `config` is the resolved core
 * config (nodeRaftConfig), the frame and chunk sizes are the options or their defaults.
 *
 * Pre-vote and check-quorum may not both be off: a repairing node's election clock stays still
 * (repair-gate.ts), and without either the core never answers a leader of an older term, so a
 * repairing node whose term is higher would ignore that leader, and it would never learn why.
 */
export function validateNodeOptions(opts: RaftNodeOptions, config: RaftConfig): void {
  if (!opts.members.includes(opts.id)) throw new RangeError(`members must include the node itself (${opts.id})`);
  if (!config.preVote && !config.checkQuorum) {
    throw new RangeError("raft.preVote and raft.checkQuorum cannot both be false: a repairing node would stall a leader of an older term");
  }
  const entryBytesMax = config.entryBytesMax;
  // The handshake carries the cluster name and every message two ids: a peer refuses them beyond this.
  checkName("cluster name", opts.cluster);
  for (const member of opts.members) checkName(`node id ${JSON.stringify(member.slice(0, 16))}${member.length > 16 ? "..." : ""}`, member);
  const frameBytesMax = opts.frameBytesMax ?? FRAME_BYTES_MAX_DEFAULT;
  const chunkBytes = opts.snapshotChunkBytes ?? SNAPSHOT_CHUNK_BYTES_DEFAULT;
  if (entryBytesMax + FRAME_OVERHEAD_BYTES > frameBytesMax) {
    throw new RangeError(
      `raft.entryBytesMax ${entryBytesMax} + ${FRAME_OVERHEAD_BYTES} bytes of message overhead exceeds ` +
        `frameBytesMax ${frameBytesMax}`,
    );
  }
  if (chunkBytes < 1 || chunkBytes + FRAME_OVERHEAD_BYTES > frameBytesMax) {
    throw new RangeError(`snapshotChunkBytes ${chunkBytes} must be >= 1 and fit frameBytesMax ${frameBytesMax}`);
  }
  for (const [name, value] of Object.entries({
    tickIntervalMs: opts.tickIntervalMs, snapshotEntries: opts.snapshotEntries, snapshotTrailingEntries: opts.snapshotTrailingEntries,
  })) {
    if (value !== undefined && !(Number.isInteger(value) && value >= (name === "snapshotTrailingEntries" ? 0 : 1))) {
      throw new RangeError(`${name} must be a positive integer, got ${value}`);
    }
  }
}

function checkName(what: string, name: string): void {
  if (!isName(name)) throw new RangeError(`${what} must be 1-${HANDSHAKE_NAME_BYTES_MAX} bytes, got ${Buffer.byteLength(name)}`);
}

/**
 * nodeRaftConfig builds the core's RaftConfig for a node: the core defaults, the `raft` tuning,
 * and the node's tick counts. Election jitter is seeded by `prngSeed`, else by clock and node id.
 */
export function nodeRaftConfig(opts: RaftNodeOptions): RaftConfig {
  const seed = opts.prngSeed ?? (Date.now() ^ hashId(opts.id));
  const base = defaultRaftConfig(opts.id, opts.members, new SeededPrng(seed));
  return {
    ...base, ...opts.raft,
    electionTimeoutTicks: opts.electionTimeoutTicks ?? NODE_ELECTION_TIMEOUT_TICKS_DEFAULT,
    heartbeatIntervalTicks: opts.heartbeatIntervalTicks ?? NODE_HEARTBEAT_INTERVAL_TICKS_DEFAULT,
  };
}

function hashId(id: NodeId): number {
  let h = 0;
  for (let i = 0; i < id.length; i++) h = (Math.imul(h, 31) + id.charCodeAt(i)) | 0;
  return h;
}
