/**
 * Ready/advance: hand the driver what to persist, send and apply; learn when it is done.
 *
 * Ordering contract: the driver persists entries, hard state and snapshot (fsync), then sends
 * messages, then applies committed entries, then calls advance. Because every message of a
 * Ready goes out only after that Ready is durable, a vote is never cast, nor an append
 * acknowledged, before it is on disk. The leader counts its own log toward quorum only up to
 * what an advanced Ready made durable.
 */
import { assert } from "../assert";
import { advanceHandoff } from "./logHandoff";
import { flushAppends, maybeCommit } from "./replication";
import { Role, type RaftState, type Ready } from "./state";

/** hardStateChanged: does the hard state differ from the one last handed out? (No allocation.) */
function hardStateChanged(s: RaftState): boolean {
  const handed = s.handedHardState;
  return handed.term !== s.term || handed.vote !== s.vote || handed.commit !== s.log.committed;
}

/** hasReady: is there work for the driver? False while a Ready is outstanding. */
export function hasReady(s: RaftState): boolean {
  if (s.outstanding !== null) return false;
  if (s.outbox.length > 0 || s.events.length > 0) return true;
  if (s.role === Role.Leader && s.appendsPending) return true;
  if (s.handoff.pendingSnapshot !== null || s.handoff.pendingCompactedThrough !== null) return true;
  if (s.handoff.persistHandedThrough < s.log.lastIndex()) return true;
  if (s.handoff.applyHandedThrough < s.log.committed) return true;
  return hardStateChanged(s);
}

/** ready hands out all pending work; at most one Ready is outstanding at a time. */
export function ready(s: RaftState): Ready {
  assert(s.outstanding === null, "ready() called again before advance() of the previous Ready");
  if (s.role === Role.Leader && s.appendsPending) flushAppends(s);
  const lastIndex = s.log.lastIndex();
  const handoff = s.handoff;
  const commit = s.log.committed;
  const entries = s.log.slice(handoff.persistHandedThrough + 1, lastIndex + 1);
  const committed = s.log.slice(handoff.applyHandedThrough + 1, commit + 1);
  const hardState = hardStateChanged(s) ? s.hardState() : null;
  const rd: Ready = {
    hardState,
    entries,
    snapshot: handoff.pendingSnapshot,
    messages: s.outbox,
    committed,
    compactedThrough: handoff.pendingCompactedThrough,
    events: s.events,
  };
  s.outstanding = {
    ready: rd,
    marks: {
      persistThrough: lastIndex,
      applyThrough: commit,
      snapshotIndex: handoff.pendingSnapshot?.index ?? null,
    },
  };
  if (hardState !== null) s.handedHardState = hardState;
  handoff.persistHandedThrough = lastIndex;
  handoff.applyHandedThrough = commit;
  handoff.pendingSnapshot = null;
  handoff.pendingCompactedThrough = null;
  s.outbox = [];
  s.events = [];
  return rd;
}

/** advance: everything in `rd` was persisted, sent and applied. */
export function advance(s: RaftState, rd: Ready): void {
  const outstanding = s.outstanding;
  assert(outstanding !== null, "advance() without an outstanding Ready");
  assert(outstanding.ready === rd, "advance() must be given the Ready last handed out");
  s.outstanding = null;
  advanceHandoff(s.handoff, outstanding.marks);
  if (s.role === Role.Leader) {
    const self = s.progressOf(s.id);
    self.maybeUpdate(s.handoff.persistedThrough);
    self.next = s.log.lastIndex() + 1;
    maybeCommit(s);
  }
}
