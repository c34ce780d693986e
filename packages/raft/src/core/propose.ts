/**
 * Proposals: one proposal becomes exactly one log entry on the leader, or is refused with a
 * typed ProposalError and leaves no trace in the log.
 */
import { assert } from "../assert";
import {
  LeaderTransferInProgressError,
  NotLeaderError,
  ProposalTooLargeError,
  TermMismatchError,
  UncommittedLimitError,
  type ProposalError,
} from "./errors";
import { TraceEventKind } from "./events";
import { Role, type RaftState } from "./state";
import { EntryKind, type LogIndex, type Term } from "./types";

/** ProposeOptions: `term` fences the proposal to the term the caller observed. */
export interface ProposeOptions {
  term?: Term;
}

/** ProposeResult: where the entry sits in the log; it commits only if it stays there. */
export interface ProposeResult {
  index: LogIndex;
  term: Term;
}

/** propose appends `data` as one entry, or throws the ProposalError explaining why not. */
export function propose(s: RaftState, data: Uint8Array, opts: ProposeOptions | undefined): ProposeResult {
  const refusal = checkProposal(s, data, opts);
  if (refusal !== null) {
    s.emit({ kind: TraceEventKind.ProposalRefused, code: refusal.code, message: refusal.message });
    throw refusal;
  }
  const index = s.log.lastIndex() + 1;
  s.log.append({ term: s.term, index, kind: EntryKind.Normal, data });
  s.uncommittedBytes += data.length;
  s.progressOf(s.id).next = index + 1;
  s.appendsPending = true;
  assert(s.log.lastIndex() === index, "the proposal is the last entry");
  return { index, term: s.term };
}

function checkProposal(s: RaftState, data: Uint8Array, opts: ProposeOptions | undefined): ProposalError | null {
  if (s.role !== Role.Leader) return new NotLeaderError(s.leader);
  if (opts?.term !== undefined && opts.term !== s.term) return new TermMismatchError(opts.term, s.term);
  if (s.transferTarget !== null) return new LeaderTransferInProgressError(s.transferTarget);
  if (data.length > s.config.entryBytesMax) return new ProposalTooLargeError(data.length, s.config.entryBytesMax);
  const uncommittedEntries = s.log.lastIndex() - s.log.committed;
  if (uncommittedEntries + 1 > s.config.uncommittedEntriesMax) {
    return new UncommittedLimitError(
      uncommittedEntries,
      s.uncommittedBytes,
      "uncommittedEntriesMax",
      s.config.uncommittedEntriesMax,
    );
  }
  if (s.uncommittedBytes + data.length > s.config.uncommittedBytesMax) {
    return new UncommittedLimitError(
      uncommittedEntries,
      s.uncommittedBytes,
      "uncommittedBytesMax",
      s.config.uncommittedBytesMax,
    );
  }
  return null;
}
