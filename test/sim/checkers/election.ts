/**
 * Election safety (Raft §5.2): at most one leader can be elected in a given term.
 *
 * Fed with every (node, term) observed as leader over the whole run, across crashes.
 */
import { Property, type Violation } from "./violation";

/** ElectionSafetyChecker remembers the leader of every term seen. */
export class ElectionSafetyChecker {
  private readonly leaderByTerm = new Map<number, string>();

  /** observeLeader records that `node` is leader in `term`; a second leader is a violation. */
  observeLeader(node: string, term: number): Violation | null {
    const known = this.leaderByTerm.get(term);
    if (known === undefined) {
      this.leaderByTerm.set(term, node);
      return null;
    }
    if (known === node) return null;
    return { property: Property.ElectionSafety, message: `term ${term} has two leaders: ${known} and ${node}` };
  }

  /** termsWithLeader is the number of distinct terms that had a leader. */
  termsWithLeader(): number {
    return this.leaderByTerm.size;
  }
}
