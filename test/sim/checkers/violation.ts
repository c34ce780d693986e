/**
 * Violations: what the checkers report, and the properties they guard.
 *
 * Properties are Raft's five safety properties (Raft paper, figure 3), plus "committed not
 * lost" (a proposal whose success was observed is never replaced), "durable before sent" (a
 * message never promises more than the sender's disk holds) and "driver contract" (the
 * core broke the Ready contract the driver relies on, e.g. a gap in the entries to persist).
 */

/** Property names each guarded property. */
export const Property = {
  ElectionSafety: "election safety",
  LeaderAppendOnly: "leader append-only",
  LogMatching: "log matching",
  LeaderCompleteness: "leader completeness",
  StateMachineSafety: "state machine safety",
  CommittedNotLost: "committed not lost",
  DurableBeforeSent: "durable before sent",
  DriverContract: "driver contract",
} as const;
export type Property = (typeof Property)[keyof typeof Property];

/** Violation is one broken property with a message naming nodes, terms and indexes. */
export interface Violation {
  readonly property: Property;
  readonly message: string;
}

/** ViolationError carries a violation found deep inside the simulated driver up to the run loop. */
export class ViolationError extends Error {
  override readonly name = "ViolationError";
  constructor(readonly violation: Violation) {
    super(`${violation.property}: ${violation.message}`);
  }
}

/** LogView is what the checkers may see of one node's log: chain hashes by index. */
export interface LogView {
  /** baseIndex is the highest index known only through its chain hash (compacted or snapshot). */
  readonly baseIndex: number;
  readonly lastIndex: number;
  /** chainAt returns the chain hash of the prefix ending at `index`, if the log knows it. */
  chainAt(index: number): number | undefined;
}
