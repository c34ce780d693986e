/**
 * Log matching (Raft §5.3): if two logs contain an entry with the same index and term, the logs
 * are identical in all entries up through that index.
 *
 * Every entry ever written by any node is recorded as (index, term) -> chain hash of the prefix
 * it ends. Since a leader creates at most one entry per (index, term), this holds across time
 * as well as across nodes, so one map over the whole run checks it in O(1) per written entry.
 */
import { Property, type Violation } from "./violation";

/** WrittenEntry is one entry as a node stored it. */
export interface WrittenEntry {
  readonly index: number;
  readonly term: number;
  readonly chain: number;
}

/** LogMatchingChecker compares every written entry with every other at the same (index, term). */
export class LogMatchingChecker {
  private readonly chainByPosition = new Map<string, { chain: number; node: string }>();

  /** observeEntries records entries `node` wrote; a different prefix at a known position is a violation. */
  observeEntries(node: string, entries: readonly WrittenEntry[]): Violation | null {
    for (const entry of entries) {
      const key = `${entry.index}/${entry.term}`;
      const known = this.chainByPosition.get(key);
      if (known === undefined) {
        this.chainByPosition.set(key, { chain: entry.chain, node });
      } else if (known.chain !== entry.chain) {
        return {
          property: Property.LogMatching,
          message:
            `entry (index ${entry.index}, term ${entry.term}) ends different prefixes on ` +
            `${known.node} and ${node}`,
        };
      }
    }
    return null;
  }
}
