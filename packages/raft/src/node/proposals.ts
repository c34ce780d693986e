/**
 * PendingProposals: the promises of proposals made on this node, settled when their index is
 * applied locally (resolve if the applied entry is ours, reject if another term's entry won).
 */
import { assert, fail } from "../assert";
import type { Entry, LogIndex, Term } from "../core/types";
import { ProposalDroppedError } from "./errors";

/** ProposalOutcome is what a successful proposal resolves to. */
export interface ProposalOutcome {
  readonly index: LogIndex;
}

/** DEAD_PREFIX_MAX: settled slots kept at the queue's front before it is compacted. */
const DEAD_PREFIX_MAX = 1024;

interface Pending {
  readonly index: LogIndex;
  readonly term: Term;
  readonly resolve: (outcome: ProposalOutcome) => void;
  readonly reject: (error: Error) => void;
}

/**
 * PendingProposals keeps the waiting callers in log order: a leader places proposals at rising
 * indexes and entries apply in index order, so a queue replaces a Map keyed by index (whose
 * churn, one insert and one delete per proposal, reallocated its table). Bounded by the core's
 * uncommitted limits.
 */
export class PendingProposals {
  private queue: Array<Pending | undefined> = [];
  /** head: the first live slot of `queue`; the dead prefix is dropped once it is large. */
  private head = 0;

  /** size is the number of proposals waiting. */
  get size(): number {
    return this.queue.length - this.head;
  }

  /**
   * add registers a proposal the core placed at (index, term). Waiting proposals at that index
   * or above belong to an earlier leadership, lost and regained before the loop noticed: the log
   * was rewritten from there, so their entries are gone and they are dropped.
   */
  add(index: LogIndex, term: Term): Promise<ProposalOutcome> {
    while (this.size > 0 && this.queue[this.queue.length - 1]!.index >= index) {
      const stale = this.queue.pop();
      assert(stale !== undefined, "the live part of the queue holds no settled slot");
      assert(stale.term < term, `two pending proposals at index ${stale.index} in term ${term}`);
      stale.reject(new ProposalDroppedError(stale.index, stale.term, term));
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ index, term, resolve, reject });
    });
  }

  /** applied settles the proposal at entry.index, if any, once the entry has been applied. */
  applied(entry: Entry): void {
    const first = this.queue[this.head];
    if (first === undefined || first.index > entry.index) return;
    // Entries apply one index after another, and a snapshot install fails every waiter first.
    if (first.index < entry.index) fail(`pending proposal at index ${first.index} skipped by apply of ${entry.index}`);
    this.queue[this.head] = undefined;
    this.head++;
    if (this.head === this.queue.length) {
      this.queue = [];
      this.head = 0;
    } else if (this.head >= DEAD_PREFIX_MAX) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    if (first.term === entry.term) first.resolve({ index: entry.index });
    else first.reject(new ProposalDroppedError(entry.index, first.term, entry.term));
  }

  /** failAll rejects every waiting proposal with the error `make` builds for its index. */
  failAll(make: (index: LogIndex) => Error): void {
    const all = this.queue.slice(this.head);
    this.queue = [];
    this.head = 0;
    for (const pending of all) pending?.reject(make(pending.index));
  }
}
