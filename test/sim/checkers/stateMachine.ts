/**
 * State machine safety (Raft §5.4.3): if a server has applied a log entry at a given index, no
 * other server ever applies a different entry for that index.
 *
 * Each replica's state machine is a chain hash over its applied entries, so "the same state
 * after applying index i" is one number per index. The checker also holds each replica to
 * applying in order, without gaps, and to installing only snapshots ahead of what it applied.
 */
import { Property, type Violation } from "./violation";

/** StateMachineSafetyChecker compares every replica's state at every applied index. */
export class StateMachineSafetyChecker {
  private readonly chainByIndex = new Map<number, { chain: number; node: string }>();
  private readonly appliedByNode = new Map<string, number>();

  /** observeRestart records that `node` restarted its state machine from a snapshot at `index`. */
  observeRestart(node: string, index: number, chain: number): Violation | null {
    this.appliedByNode.set(node, index);
    return this.compare(node, index, chain, "restarted from");
  }

  /** observeSnapshotInstall records that `node` replaced its state by a received snapshot. */
  observeSnapshotInstall(node: string, index: number, chain: number): Violation | null {
    const applied = this.appliedByNode.get(node) ?? 0;
    if (index <= applied) {
      return {
        property: Property.StateMachineSafety,
        message: `${node} installed a snapshot at ${index}, not ahead of its applied index ${applied}`,
      };
    }
    this.appliedByNode.set(node, index);
    return this.compare(node, index, chain, "installed a snapshot at");
  }

  /** observeApply records that `node` applied `index`, reaching state `chain`. */
  observeApply(node: string, index: number, chain: number): Violation | null {
    const applied = this.appliedByNode.get(node) ?? 0;
    if (index !== applied + 1) {
      return {
        property: Property.StateMachineSafety,
        message: `${node} applied index ${index} right after ${applied}`,
      };
    }
    this.appliedByNode.set(node, index);
    return this.compare(node, index, chain, "applied");
  }

  /** committedCount is the number of distinct indexes applied anywhere. */
  committedCount(): number {
    return this.chainByIndex.size;
  }

  private compare(node: string, index: number, chain: number, verb: string): Violation | null {
    if (index === 0) return null;
    const known = this.chainByIndex.get(index);
    if (known === undefined) {
      this.chainByIndex.set(index, { chain, node });
      return null;
    }
    if (known.chain === chain) return null;
    return {
      property: Property.StateMachineSafety,
      message: `${node} ${verb} index ${index} with a state different from ${known.node}'s`,
    };
  }
}
