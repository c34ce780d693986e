/**
 * Typed errors of the node driver for proposals that did not (or may not) take effect. Proposal
 * refusals from the core (NotLeaderError, ...) are passed through unchanged.
 */
import type { LogIndex, NodeId, Term } from "../core/types";

/** ProposalDroppedError: the entry at `index` was overwritten by another leader's entry; it never commits. */
export class ProposalDroppedError extends Error {
  override readonly name = "ProposalDroppedError";
  constructor(readonly index: LogIndex, readonly proposedTerm: Term, readonly committedTerm: Term) {
    super(`proposal at index ${index} (term ${proposedTerm}) was replaced by an entry of term ${committedTerm}`);
  }
}

/**
 * LeadershipLostError: this node stopped being leader before the entry was applied here. The
 * outcome is unknown: the new leader may still commit it. Callers must not assume either way.
 */
export class LeadershipLostError extends Error {
  override readonly name = "LeadershipLostError";
  constructor(readonly index: LogIndex, readonly leader: NodeId | null) {
    super(`leadership lost before index ${index} was applied (new leader: ${leader ?? "unknown"}); outcome unknown`);
  }
}

/** NodeStoppedError: the node was stopped (or crashed) before the proposal was applied. */
export class NodeStoppedError extends Error {
  override readonly name = "NodeStoppedError";
  constructor(reason: string) {
    super(`raft node stopped: ${reason}`);
  }
}
