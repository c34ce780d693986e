/**
 * Leader append-only (Raft §5.3): a leader never overwrites or deletes entries in its log; it
 * only appends. Checked by remembering, per leader and term, its last index and the chain hash
 * there: while it stays leader of that term, the log must keep that exact prefix.
 */
import { Property, type LogView, type Violation } from "./violation";

interface LeaderMark {
  readonly term: number;
  readonly lastIndex: number;
  readonly chain: number;
}

/** LeaderAppendOnlyChecker watches every node's log while it is leader. */
export class LeaderAppendOnlyChecker {
  private readonly marks = new Map<string, LeaderMark>();

  /** observe is called after every step with the node's role, term and log. */
  observe(node: string, isLeader: boolean, term: number, log: LogView): Violation | null {
    if (!isLeader) {
      this.marks.delete(node);
      return null;
    }
    const mark = this.marks.get(node);
    const violation = mark !== undefined && mark.term === term ? this.compare(node, mark, log) : null;
    const chain = log.chainAt(log.lastIndex);
    if (chain !== undefined) this.marks.set(node, { term, lastIndex: log.lastIndex, chain });
    return violation;
  }

  private compare(node: string, mark: LeaderMark, log: LogView): Violation | null {
    if (log.lastIndex < mark.lastIndex) {
      return {
        property: Property.LeaderAppendOnly,
        message: `leader ${node} (term ${mark.term}) deleted entries: last index ${mark.lastIndex} -> ${log.lastIndex}`,
      };
    }
    const chain = log.chainAt(mark.lastIndex);
    if (chain !== undefined && chain !== mark.chain) {
      return {
        property: Property.LeaderAppendOnly,
        message: `leader ${node} (term ${mark.term}) overwrote entries at or below index ${mark.lastIndex}`,
      };
    }
    return null;
  }
}
