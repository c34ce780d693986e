/**
 * Progress: the leader's view of one follower's log, and the flow-control state machine.
 *
 *   probe --(append acknowledged)--> replicate --(append rejected / unreachable)--> probe
 *   probe|replicate --(needed entries compacted)--> snapshot --(reported / acknowledged)--> probe
 *
 * In probe the leader sends one append per heartbeat until it learns where the logs match;
 * in replicate it streams appends optimistically, bounded by the inflight window.
 * A leaf module: plain numbers, no Raft imports.
 */
import { Inflights } from "./inflights";

/** ProgressState names the flow-control state of one follower. */
export const ProgressState = { Probe: "probe", Replicate: "replicate", Snapshot: "snapshot" } as const;
export type ProgressState = (typeof ProgressState)[keyof typeof ProgressState];

/** Progress tracks one follower. Invariant: match < next. */
export class Progress {
  /** match is the highest index known to be in the follower's log. */
  match = 0;
  /** next is the index of the next entry to send. */
  next: number;
  state: ProgressState = ProgressState.Probe;
  /** probeSent pauses a probing follower after one append until a response or heartbeat. */
  probeSent = false;
  /** pendingSnapshot is the index of the snapshot being sent (snapshot state only). */
  pendingSnapshot = 0;
  /** recentActive is set by any response; check-quorum reads and clears it. */
  recentActive = false;
  readonly inflights: Inflights;

  constructor(next: number, inflightAppendsMax: number) {
    if (next < 1) throw new RangeError(`progress next must be >= 1, got ${next}`);
    this.next = next;
    this.inflights = new Inflights(inflightAppendsMax);
  }

  /** becomeProbe restarts probing just after the match (or after a sent snapshot). */
  becomeProbe(): void {
    if (this.state === ProgressState.Snapshot) {
      this.next = Math.max(this.match + 1, this.pendingSnapshot + 1);
    } else {
      this.next = this.match + 1;
    }
    this.resetState(ProgressState.Probe);
  }

  /** becomeReplicate starts optimistic streaming right after the match. */
  becomeReplicate(): void {
    this.next = this.match + 1;
    this.resetState(ProgressState.Replicate);
  }

  /** becomeSnapshot waits for the snapshot at `snapshotIndex` to be delivered. */
  becomeSnapshot(snapshotIndex: number): void {
    this.resetState(ProgressState.Snapshot);
    this.pendingSnapshot = snapshotIndex;
  }

  /** maybeUpdate records an acknowledgement up to `index`; false when it is stale. */
  maybeUpdate(index: number): boolean {
    let updated = false;
    if (this.match < index) {
      this.match = index;
      updated = true;
      this.probeSent = false;
    }
    this.next = Math.max(this.next, index + 1);
    return updated;
  }

  /**
   * maybeDecrTo handles a rejection of the append at `rejectedIndex`; `probeIndex` is where the
   * follower's hint says to resume. False when the rejection is stale (already superseded).
   */
  maybeDecrTo(rejectedIndex: number, probeIndex: number): boolean {
    if (this.state === ProgressState.Replicate) {
      if (rejectedIndex <= this.match) return false;
      this.next = this.match + 1;
      return true;
    }
    if (this.next - 1 !== rejectedIndex) return false;
    this.next = Math.max(Math.min(rejectedIndex, probeIndex + 1), this.match + 1);
    this.probeSent = false;
    return true;
  }

  /**
   * resetMatch lowers the match to `index` and probes from there: the follower no longer holds
   * what it acknowledged (lost storage), as its loss notice (`logLoss`) said.
   * Lowering a match only under-counts replicas, so it never makes anything commit.
   */
  resetMatch(index: number): void {
    if (index >= this.match) throw new RangeError(`resetMatch ${index} is not below match ${this.match}`);
    this.match = index;
    this.resetState(ProgressState.Probe);
    this.next = index + 1;
  }

  /** sentAppend records an append that carried entries up to `lastIndex` (or none). */
  sentAppend(entryCount: number, lastIndex: number): void {
    if (this.state === ProgressState.Replicate) {
      if (entryCount > 0) {
        this.next = lastIndex + 1;
        this.inflights.add(lastIndex);
      }
    } else if (this.state === ProgressState.Probe) {
      this.probeSent = true;
    } else {
      throw new RangeError("progress: append sent in snapshot state");
    }
  }

  /** isPaused reports whether the leader must hold appends to this follower. */
  isPaused(): boolean {
    switch (this.state) {
      case ProgressState.Probe:
        return this.probeSent;
      case ProgressState.Replicate:
        return this.inflights.full();
      case ProgressState.Snapshot:
        return true;
    }
  }

  private resetState(state: ProgressState): void {
    this.state = state;
    this.probeSent = false;
    this.pendingSnapshot = 0;
    this.inflights.reset();
  }
}
