/**
 * In-flight tables and the staged diff (spec §4.1). The tables count what this leader has
 * proposed but not yet seen applied, so the checks see applied state + in-flight proposals; the
 * staged diff collects the effects of the messages checked so far in one batch (or one plain
 * publish) and is merged into the tables only after the proposal was accepted. Each merge is
 * remembered per proposal so that applying it (or losing leadership) releases exactly what it
 * added.
 */
import { assert } from "@flotilla/stream/internal";

/** SubjectTotal counts in-flight writes to one subject. Invariant: ops >= 1 while present. */
export interface SubjectTotal {
  bytes: number;
  ops: number;
}

function sumTotals(subjects: ReadonlyMap<string, SubjectTotal>): SubjectTotal {
  let bytes = 0;
  let ops = 0;
  for (const t of subjects.values()) {
    bytes += t.bytes;
    ops += t.ops;
  }
  return { bytes, ops };
}

/** ExpectedCheck caches one expected-last-subject-sequence result inside a batch. */
export interface ExpectedCheck {
  /** sseq is the stream sequence the check observed for the subject (or filter). */
  readonly sseq: number;
  /** clseq is the clustered last sequence when the latest check on this subject ran. */
  clseq: number;
}

/** StagedDiff accumulates the effects of earlier messages of the same batch (spec §4.1). */
export class StagedDiff {
  readonly msgIds = new Set<string>();
  readonly subjects = new Map<string, SubjectTotal>();
  readonly transforms = new Map<number, string>();
  readonly expectedPerSubject = new Map<string, ExpectedCheck>();

  /** totals sums the staged writes over all subjects. */
  totals(): SubjectTotal {
    return sumTotals(this.subjects);
  }
}

/** PendingProposal is one merged proposal; its diff is what release takes back out. */
interface PendingProposal {
  readonly firstSeq: number;
  readonly lastSeq: number;
  readonly lastMsgId: string;
  readonly diff: StagedDiff;
}

/** InflightSnapshot is a plain copy of the tables, for tests and monitoring. */
export interface InflightSnapshot {
  msgIds: string[];
  subjects: Record<string, SubjectTotal>;
  expectedPerSubjectSequence: Record<number, string>;
  expectedPerSubjectInProcess: string[];
  transforms: Record<number, string>;
  pendingProposals: number;
}

/** StreamInflight holds one stream's in-flight tables on the leader. */
export class StreamInflight {
  readonly msgIds = new Set<string>();
  readonly subjects = new Map<string, SubjectTotal>();
  readonly expectedPerSubjectSequence = new Map<number, string>();
  readonly expectedPerSubjectInProcess = new Set<string>();
  readonly transforms = new Map<number, string>();
  /** pending proposals in sequence order. Invariant: lastSeq strictly increasing. */
  private readonly pending: PendingProposal[] = [];

  /**
   * merge adds an accepted proposal's staged diff; it covers sequences firstSeq..lastSeq. It takes
   * ownership of `diff` (kept until release, instead of a copy per proposal); callers must not
   * reuse or change it afterwards.
   */
  merge(diff: StagedDiff, firstSeq: number, lastSeq: number, lastMsgId: string): void {
    assert(firstSeq >= 1 && lastSeq >= firstSeq, "proposal sequences out of order");
    const previous = this.pending[this.pending.length - 1];
    assert(previous === undefined || previous.lastSeq < firstSeq, "proposals overlap");
    for (const id of diff.msgIds) {
      assert(!this.msgIds.has(id), "message id already in flight");
      this.msgIds.add(id);
    }
    for (const [subject, staged] of diff.subjects) {
      const total = this.subjects.get(subject);
      // A fresh total: later merges add to it, and the diff's own counts must stay as merged.
      if (total === undefined) this.subjects.set(subject, { bytes: staged.bytes, ops: staged.ops });
      else {
        total.bytes += staged.bytes;
        total.ops += staged.ops;
      }
    }
    for (const [clseq, subject] of diff.transforms) this.transforms.set(clseq, subject);
    for (const [subject, check] of diff.expectedPerSubject) {
      this.expectedPerSubjectSequence.set(check.clseq, subject);
      this.expectedPerSubjectInProcess.add(subject);
    }
    this.pending.push({ firstSeq, lastSeq, lastMsgId, diff });
  }

  /** releaseThrough releases every pending proposal whose last sequence is <= `seq`. */
  releaseThrough(seq: number): number {
    let released = 0;
    while (this.pending.length > 0 && (this.pending[0]?.lastSeq ?? Infinity) <= seq) {
      const proposal = this.pending.shift();
      assert(proposal !== undefined, "pending proposal vanished");
      this.release(proposal);
      released += 1;
    }
    return released;
  }

  /** lastProposedSeq is the last sequence of the newest pending proposal (0 when none). */
  lastProposedSeq(): number {
    return this.pending[this.pending.length - 1]?.lastSeq ?? 0;
  }

  /** lastProposedMsgId is the Nats-Msg-Id of the newest pending message ("" if none/unset). */
  lastProposedMsgId(): string | undefined {
    return this.pending[this.pending.length - 1]?.lastMsgId;
  }

  /** pendingCount is the number of proposals not yet released. */
  get pendingCount(): number {
    return this.pending.length;
  }

  /** totals sums in-flight writes over all subjects. */
  totals(): SubjectTotal {
    return sumTotals(this.subjects);
  }

  /** snapshot copies the tables into plain objects. */
  snapshot(): InflightSnapshot {
    const subjects: Record<string, SubjectTotal> = {};
    for (const [s, t] of this.subjects) subjects[s] = { bytes: t.bytes, ops: t.ops };
    return {
      msgIds: [...this.msgIds].sort(),
      subjects,
      expectedPerSubjectSequence: Object.fromEntries(this.expectedPerSubjectSequence),
      expectedPerSubjectInProcess: [...this.expectedPerSubjectInProcess].sort(),
      transforms: Object.fromEntries(this.transforms),
      pendingProposals: this.pending.length,
    };
  }

  private release(proposal: PendingProposal): void {
    const diff = proposal.diff;
    for (const id of diff.msgIds) this.msgIds.delete(id);
    for (const [subject, staged] of diff.subjects) {
      const total = this.subjects.get(subject);
      assert(total !== undefined && total.ops >= staged.ops, "in-flight subject underflow");
      total.ops -= staged.ops;
      total.bytes -= staged.bytes;
      if (total.ops === 0) {
        assert(total.bytes === 0, "in-flight bytes left with no ops");
        this.subjects.delete(subject);
      }
    }
    for (const [subject, check] of diff.expectedPerSubject) {
      if (this.expectedPerSubjectSequence.get(check.clseq) === subject) {
        this.expectedPerSubjectSequence.delete(check.clseq);
        this.expectedPerSubjectInProcess.delete(subject);
      }
    }
    for (const clseq of diff.transforms.keys()) this.transforms.delete(clseq);
  }
}
