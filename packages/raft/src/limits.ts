/**
 * Named limits and defaults of the Raft package, each with the reason for its value.
 *
 * Relations between them are asserted when this module loads, so a bad edit fails at once.
 */
import { assert } from "./assert";

/**
 * ELECTION_TIMEOUT_TICKS_DEFAULT is T: a follower that hears nothing for a randomized
 * timeout in [T, 2T) ticks campaigns. It is counted in ticks: the node driver sets its own tick
 * interval and defaults (node/limits.ts).
 */
export const ELECTION_TIMEOUT_TICKS_DEFAULT = 10;

/**
 * HEARTBEAT_INTERVAL_TICKS_DEFAULT: a leader heartbeats every tick, so followers see
 * ten heartbeats per election timeout and a few lost packets never trigger an election.
 */
export const HEARTBEAT_INTERVAL_TICKS_DEFAULT = 1;

/**
 * ENTRY_BYTES_MAX_DEFAULT: one proposal is one entry. An atomic batch may be up to 64 MiB
 * (design.md decision 7) plus its encoding overhead, so the entry cap sits 1 MiB above it.
 */
export const ENTRY_BYTES_MAX_DEFAULT = 65 * 1024 * 1024;

/**
 * APPEND_BYTES_MAX_DEFAULT is the soft cap on entry bytes per Append message (etcd's
 * MaxSizePerMsg); a single larger entry is still sent alone. 2 MiB lets a round of 100
 * proposals of 16 KiB travel, and be synced by each follower, as one Append: at 1 MiB it took
 * two, and every node synced twice per round (bench:raft, 16 KiB at 100 in flight: +14%). A full
 * window of INFLIGHT_APPENDS_MAX_DEFAULT appends stays well within what the transport buffers
 * for one peer (asserted in node/limits.ts).
 */
export const APPEND_BYTES_MAX_DEFAULT = 2 * 1024 * 1024;

/**
 * INFLIGHT_APPENDS_MAX_DEFAULT bounds unacknowledged Append messages per follower in the
 * replicate state, so a slow follower cannot make the leader queue unbounded messages.
 */
export const INFLIGHT_APPENDS_MAX_DEFAULT = 64;

/**
 * UNCOMMITTED_ENTRIES_MAX_DEFAULT: beyond this many uncommitted entries the leader refuses
 * proposals (retryable) instead of growing its log without bound while a quorum is slow.
 * nats-server steps its leader down at 100,000 (TestNRGLeaderStepsDownIfOverrun); we refuse
 * well before that and keep leading.
 */
export const UNCOMMITTED_ENTRIES_MAX_DEFAULT = 10_000;

/**
 * UNCOMMITTED_BYTES_MAX_DEFAULT: the byte counterpart of the entry limit; it must admit at
 * least one entry of ENTRY_BYTES_MAX_DEFAULT so the largest legal proposal can ever pass.
 */
export const UNCOMMITTED_BYTES_MAX_DEFAULT = 256 * 1024 * 1024;

/**
 * PEERS_MAX bounds the voter set; every per-peer map and quorum computation is bounded by it.
 */
export const PEERS_MAX = 15;

assert(
  ELECTION_TIMEOUT_TICKS_DEFAULT >= 2 * HEARTBEAT_INTERVAL_TICKS_DEFAULT,
  "election timeout must be at least twice the heartbeat interval",
);
assert(UNCOMMITTED_BYTES_MAX_DEFAULT >= ENTRY_BYTES_MAX_DEFAULT, "uncommitted bytes must admit one entry");
assert(APPEND_BYTES_MAX_DEFAULT <= ENTRY_BYTES_MAX_DEFAULT, "append cap is below the entry cap");
