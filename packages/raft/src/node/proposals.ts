/**
 * PendingProposals: the promises of proposals made on this node, settled when their index is
 * applied locally (resolve if the applied entry is ours, reject if another term's entry won).
 */
import { assert } from "../assert";
import type { Entry, LogIndex, Term } from "../core/types";
import { ProposalDroppedError } from "./errors";

/** ProposalOutcome is what a successful proposal resolves to. */
export interface ProposalOutcome {
  readonly index: LogIndex;
}

interface Pending {
  readonly term: Term;
  readonly resolve: (outcome: ProposalOutcome) => void;
  readonly reject: (error: Error) => void;
}

/** PendingProposals maps log index to the waiting caller. Bounded by the core's uncommitted limits. */
export class PendingProposals {
  private readonly byIndex = new Map<LogIndex, Pending>();

  /** size is the number of proposals waiting. */
  get size(): number {
    return this.byIndex.size;
  }

  /** add registers a proposal the core placed at (index, term). */
  add(index: LogIndex, term: Term): Promise<ProposalOutcome> {
    const stale = this.byIndex.get(index);
    if (stale !== undefined) {
      // Leadership was lost and regained before the loop noticed: the old entry was replaced.
      assert(stale.term < term, `two pending proposals at index ${index} in term ${term}`);
      stale.reject(new ProposalDroppedError(index, stale.term, term));
    }
    return new Promise((resolve, reject) => {
      this.byIndex.set(index, { term, resolve, reject });
    });
  }

  /** applied settles the proposal at entry.index, if any, once the entry has been applied. */
  applied(entry: Entry): void {
    const pending = this.byIndex.get(entry.index);
    if (pending === undefined) return;
    this.byIndex.delete(entry.index);
    if (pending.term === entry.term) pending.resolve({ index: entry.index });
    else pending.reject(new ProposalDroppedError(entry.index, pending.term, entry.term));
  }

  /** failAll rejects every waiting proposal with the error `make` builds for its index. */
  failAll(make: (index: LogIndex) => Error): void {
    const all = [...this.byIndex.entries()];
    this.byIndex.clear();
    for (const [index, pending] of all) pending.reject(make(index));
  }
}
