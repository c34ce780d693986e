/**
 * Bounds of the simulator. Every queue and loop in test/sim has one, so a misbehaving core
 * shows up as a reported failure instead of a hang or an out-of-memory crash.
 */

/** PACKETS_IN_FLIGHT_MAX bounds the simulated network; a core flooding it is dropping on its own. */
export const PACKETS_IN_FLIGHT_MAX = 20_000;

/** READY_LOOP_MAX bounds the ready/advance rounds one node runs inside a single step; a core
 * that keeps producing Ready without input is live-locked. */
export const READY_LOOP_MAX = 64;

/** STAGED_SNAPSHOTS_MAX bounds the snapshots a receiver keeps staged before stepping them. */
export const STAGED_SNAPSHOTS_MAX = 8;

/** PROPOSAL_BYTES_MIN is the smallest proposal: room for a unique 8-byte proposal id. */
export const PROPOSAL_BYTES_MIN = 8;

/**
 * LIVENESS_WINDOWS_MAX bounds the healed liveness phase to this many convergence windows. A
 * window ends the phase as a failure only if the slowest core node applied nothing new in it; a
 * follower catching up a long backlog through small appends keeps opening new ones.
 */
export const LIVENESS_WINDOWS_MAX = 10;
