/**
 * Leader completeness (Raft §5.4): if an entry is committed in a given term, it is present in
 * the logs of the leaders of all higher terms.
 *
 * A leader's commit index observed in term T records "everything through this index is
 * committed in term T" (with the chain hash there). When a node becomes leader of term T2, the
 * highest index committed in any term below T2 must be in its log with the same chain hash,
 * which covers the whole prefix. If the new leader compacted past that index, the chain at its
 * compaction base is compared with the known committed chain there instead.
 */
import { Property, type LogView, type Violation } from "./violation";

interface CommitMark {
  readonly index: number;
  readonly chain: number;
}

/** LeaderCompletenessChecker tracks the commit frontier per term and checks each new leader. */
export class LeaderCompletenessChecker {
  private readonly frontierByTerm = new Map<number, CommitMark>();
  private readonly committedChains = new Map<number, number>();

  /** observeLeaderCommit records that the leader of `term` has committed through `index`. */
  observeLeaderCommit(term: number, index: number, chain: number): void {
    const known = this.frontierByTerm.get(term);
    if (known === undefined || known.index < index) this.frontierByTerm.set(term, { index, chain });
    this.committedChains.set(index, chain);
  }

  /** observeCommitted records the chain hash of a committed index (e.g. from an apply). */
  observeCommitted(index: number, chain: number): void {
    this.committedChains.set(index, chain);
  }

  /** observeNewLeader checks the log of `node`, which has just become leader of `term`. */
  observeNewLeader(node: string, term: number, log: LogView): Violation | null {
    let required: CommitMark | null = null;
    for (const [markTerm, mark] of this.frontierByTerm) {
      if (markTerm < term && (required === null || mark.index > required.index)) required = mark;
    }
    if (required === null || required.index === 0) return null;
    const violation = (detail: string): Violation => ({
      property: Property.LeaderCompleteness,
      message: `new leader ${node} of term ${term} ${detail}`,
    });
    if (required.index > log.lastIndex) {
      return violation(`lacks committed index ${required.index} (its last index is ${log.lastIndex})`);
    }
    const chain = log.chainAt(required.index);
    if (chain !== undefined) {
      return chain === required.chain ? null : violation(`holds a different prefix at committed index ${required.index}`);
    }
    const baseCommitted = this.committedChains.get(log.baseIndex);
    if (baseCommitted !== undefined && baseCommitted !== log.chainAt(log.baseIndex)) {
      return violation(`holds a different compacted prefix at index ${log.baseIndex}`);
    }
    return null;
  }
}
