/**
 * Checkers: the seven property checkers behind one observer the simulator calls.
 *
 * The checkers know nothing of the simulator or the Raft core: they see node names, terms,
 * indexes and chain hashes only, so tests feed them hand-made histories.
 */
import { LeaderAppendOnlyChecker } from "./appendOnly";
import { CommittedNotLostChecker } from "./committed";
import { DurabilityChecker, type DurableState, type Promise } from "./durability";
import { ElectionSafetyChecker } from "./election";
import { LeaderCompletenessChecker } from "./leaderCompleteness";
import { LogMatchingChecker, type WrittenEntry } from "./logMatching";
import { StateMachineSafetyChecker } from "./stateMachine";
import type { LogView, Violation } from "./violation";

export { Property, ViolationError, type LogView, type Violation } from "./violation";
export type { WrittenEntry } from "./logMatching";
export type { DurableState, Promise } from "./durability";

/** NodeObservation is what the checkers need of one live node's status after a step. */
export interface NodeObservation {
  readonly isLeader: boolean;
  readonly term: number;
  readonly commit: number;
}

/** Checkers routes observations to every property checker and collects the violations. */
export class Checkers {
  readonly election = new ElectionSafetyChecker();
  readonly appendOnly = new LeaderAppendOnlyChecker();
  readonly logMatching = new LogMatchingChecker();
  readonly completeness = new LeaderCompletenessChecker();
  readonly stateMachine = new StateMachineSafetyChecker();
  readonly committed = new CommittedNotLostChecker();
  readonly durability = new DurabilityChecker();
  readonly violations: Violation[] = [];
  /** elections counts (node, term) leaderships observed. */
  elections = 0;
  private readonly leaderTermByNode = new Map<string, number>();
  private readonly leaderCommitByNode = new Map<string, number>();

  private record(violation: Violation | null): void {
    if (violation !== null) this.violations.push(violation);
  }

  /** observeNode is called after every step for every node; `status` is null while it is down. */
  observeNode(node: string, status: NodeObservation | null, log: LogView): void {
    if (status === null || !status.isLeader) {
      this.leaderTermByNode.delete(node);
      this.leaderCommitByNode.delete(node);
      this.record(this.appendOnly.observe(node, false, status?.term ?? 0, log));
      return;
    }
    this.record(this.election.observeLeader(node, status.term));
    if (this.leaderTermByNode.get(node) !== status.term) {
      this.elections++;
      this.leaderTermByNode.set(node, status.term);
      this.leaderCommitByNode.set(node, 0);
      this.record(this.completeness.observeNewLeader(node, status.term, log));
    }
    if (status.commit > (this.leaderCommitByNode.get(node) ?? 0)) {
      const chain = log.chainAt(status.commit);
      if (chain !== undefined) {
        this.completeness.observeLeaderCommit(status.term, status.commit, chain);
        this.leaderCommitByNode.set(node, status.commit);
      }
    }
    this.record(this.appendOnly.observe(node, true, status.term, log));
  }

  /** observeLeaderEvent records a becameLeader trace event, which sees leaderships too short
   * to outlive the step they started in. */
  observeLeaderEvent(node: string, term: number): void {
    this.record(this.election.observeLeader(node, term));
  }

  /** observeEntriesWritten is called when `node` writes entries to its disk. */
  observeEntriesWritten(node: string, entries: readonly WrittenEntry[]): void {
    this.record(this.logMatching.observeEntries(node, entries));
  }

  /** observeSend is called for every outgoing message that promises something about the disk. */
  observeSend(node: string, promise: Promise, durable: DurableState): void {
    this.record(this.durability.observeSend(node, promise, durable));
  }

  /** observeProposal is called when propose() accepted data at (index, term). */
  observeProposal(index: number, term: number, dataHash: number): void {
    this.committed.observeProposal(index, term, dataHash);
  }

  /** observeApply is called when `node` applies the entry (index, term) reaching state `chain`. */
  observeApply(node: string, index: number, term: number, chain: number, dataHash: number): void {
    this.record(this.stateMachine.observeApply(node, index, chain));
    this.record(this.committed.observeApply(node, index, term, dataHash));
    this.completeness.observeCommitted(index, chain);
  }

  /** observeRestart is called when `node` restarts with its state machine at a durable snapshot. */
  observeRestart(node: string, index: number, chain: number): void {
    this.record(this.stateMachine.observeRestart(node, index, chain));
  }

  /** observeSnapshotInstall is called when `node` installs a snapshot received from the leader. */
  observeSnapshotInstall(node: string, index: number, chain: number): void {
    this.record(this.stateMachine.observeSnapshotInstall(node, index, chain));
    this.completeness.observeCommitted(index, chain);
  }

  /** observeViolation records a violation found outside the checkers (e.g. a broken Ready contract). */
  observeViolation(violation: Violation): void {
    this.violations.push(violation);
  }

  /** finalCheck runs the end-of-run checks over the live nodes' applied indexes. */
  finalCheck(appliedByNode: ReadonlyMap<string, number>): void {
    this.record(this.committed.finalCheck(appliedByNode));
  }
}
