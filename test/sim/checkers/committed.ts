/**
 * Committed not lost: a proposal whose success was observed (propose() returned its index and
 * term, and some replica then applied exactly those bytes there) is never replaced. Every later
 * apply of that index, on any replica, across crashes and snapshots, must carry the same term
 * and bytes, and at the end every live replica must have applied it.
 */
import { Property, type Violation } from "./violation";

interface ProposalMark {
  readonly term: number;
  readonly dataHash: number;
}

/** CommittedNotLostChecker follows proposals from propose() to their first apply and beyond. */
export class CommittedNotLostChecker {
  private readonly proposed = new Map<string, number>();
  private readonly acknowledged = new Map<number, ProposalMark>();
  private acknowledgedIndexMax = 0;

  /** observeProposal records that propose() accepted bytes with `dataHash` at (index, term). */
  observeProposal(index: number, term: number, dataHash: number): void {
    this.proposed.set(`${index}/${term}`, dataHash);
  }

  /** observeApply checks an applied entry against the proposals and acknowledgements. */
  observeApply(node: string, index: number, term: number, dataHash: number): Violation | null {
    const acked = this.acknowledged.get(index);
    if (acked !== undefined) {
      if (acked.term === term && acked.dataHash === dataHash) return null;
      return {
        property: Property.CommittedNotLost,
        message: `${node} applied index ${index} (term ${term}) in place of the acknowledged proposal of term ${acked.term}`,
      };
    }
    const proposedHash = this.proposed.get(`${index}/${term}`);
    if (proposedHash === undefined) return null;
    if (proposedHash !== dataHash) {
      return {
        property: Property.CommittedNotLost,
        message: `${node} applied different bytes at index ${index} (term ${term}) than were proposed there`,
      };
    }
    this.acknowledged.set(index, { term, dataHash });
    this.acknowledgedIndexMax = Math.max(this.acknowledgedIndexMax, index);
    return null;
  }

  /** isAcknowledged says whether the proposal at (index, term) was observed applied. */
  isAcknowledged(index: number, term: number): boolean {
    return this.acknowledged.get(index)?.term === term;
  }

  /** acknowledgedCount is the number of proposals whose success was observed. */
  acknowledgedCount(): number {
    return this.acknowledged.size;
  }

  /** finalCheck requires every live replica to have applied every acknowledged proposal. */
  finalCheck(appliedByNode: ReadonlyMap<string, number>): Violation | null {
    for (const [node, applied] of appliedByNode) {
      if (applied < this.acknowledgedIndexMax) {
        return {
          property: Property.CommittedNotLost,
          message: `${node} ended at applied index ${applied}, below acknowledged index ${this.acknowledgedIndexMax}`,
        };
      }
    }
    return null;
  }
}
