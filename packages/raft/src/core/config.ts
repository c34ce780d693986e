/**
 * RaftConfig: the static parameters of one Raft node, validated once at construction.
 */
import { assert, fail } from "../assert";
import {
  APPEND_BYTES_MAX_DEFAULT,
  ELECTION_TIMEOUT_TICKS_DEFAULT,
  ENTRY_BYTES_MAX_DEFAULT,
  HEARTBEAT_INTERVAL_TICKS_DEFAULT,
  INFLIGHT_APPENDS_MAX_DEFAULT,
  PEERS_MAX,
  UNCOMMITTED_BYTES_MAX_DEFAULT,
  UNCOMMITTED_ENTRIES_MAX_DEFAULT,
} from "../limits";
import type { Bytes, NodeId, Prng, Ticks } from "./types";

/** RaftConfig holds everything a RaftCore needs besides its restored state. */
export interface RaftConfig {
  id: NodeId;
  /** peers lists all voters, including `id`; membership is static. */
  peers: readonly NodeId[];
  /** electionTimeoutTicks is T: the randomized election timeout is drawn in [T, 2T). */
  electionTimeoutTicks: Ticks;
  /** heartbeatIntervalTicks: asserted electionTimeoutTicks >= 2 * heartbeatIntervalTicks. */
  heartbeatIntervalTicks: Ticks;
  preVote: boolean;
  checkQuorum: boolean;
  /** entryBytesMax: a proposal larger than this is refused (ProposalTooLargeError). */
  entryBytesMax: Bytes;
  /** appendBytesMax: soft cap on entry bytes per Append message (one entry always fits). */
  appendBytesMax: Bytes;
  /** inflightAppendsMax: unacknowledged appends per follower in the replicate state. */
  inflightAppendsMax: number;
  /** uncommittedEntriesMax: proposals beyond this are refused (UncommittedLimitError). */
  uncommittedEntriesMax: number;
  /** uncommittedBytesMax: the byte counterpart of uncommittedEntriesMax. */
  uncommittedBytesMax: Bytes;
  /** prng is the only source of randomness (election jitter). */
  prng: Prng;
}

/** defaultRaftConfig returns a config with the defaults of limits.ts, pre-vote and check-quorum on. */
export function defaultRaftConfig(id: NodeId, peers: readonly NodeId[], prng: Prng): RaftConfig {
  return {
    id,
    peers,
    electionTimeoutTicks: ELECTION_TIMEOUT_TICKS_DEFAULT,
    heartbeatIntervalTicks: HEARTBEAT_INTERVAL_TICKS_DEFAULT,
    preVote: true,
    checkQuorum: true,
    entryBytesMax: ENTRY_BYTES_MAX_DEFAULT,
    appendBytesMax: APPEND_BYTES_MAX_DEFAULT,
    inflightAppendsMax: INFLIGHT_APPENDS_MAX_DEFAULT,
    uncommittedEntriesMax: UNCOMMITTED_ENTRIES_MAX_DEFAULT,
    uncommittedBytesMax: UNCOMMITTED_BYTES_MAX_DEFAULT,
    prng,
  };
}

/** validateRaftConfig asserts every relation the core relies on. */
export function validateRaftConfig(config: RaftConfig): void {
  assert(config.id.length > 0, "config.id must be non-empty");
  if (!config.peers.includes(config.id)) fail(`config.peers must include the node itself (${config.id})`);
  assert(new Set(config.peers).size === config.peers.length, "config.peers must be distinct");
  if (config.peers.length > PEERS_MAX) fail(`config.peers exceeds PEERS_MAX=${PEERS_MAX}`);
  assert(Number.isInteger(config.electionTimeoutTicks), "electionTimeoutTicks must be an integer");
  assert(config.heartbeatIntervalTicks >= 1, "heartbeatIntervalTicks must be >= 1");
  assert(
    config.electionTimeoutTicks >= 2 * config.heartbeatIntervalTicks,
    "electionTimeoutTicks must be >= 2 * heartbeatIntervalTicks",
  );
  assert(config.entryBytesMax >= 1, "entryBytesMax must be >= 1");
  assert(config.appendBytesMax >= 1, "appendBytesMax must be >= 1");
  assert(config.inflightAppendsMax >= 1, "inflightAppendsMax must be >= 1");
  assert(config.uncommittedEntriesMax >= 2, "uncommittedEntriesMax must admit the no-op and one proposal");
  assert(
    config.uncommittedBytesMax >= config.entryBytesMax,
    "uncommittedBytesMax must be >= entryBytesMax so the largest proposal can pass",
  );
}
