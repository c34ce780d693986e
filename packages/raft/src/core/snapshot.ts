/**
 * Snapshots: the leader offers its latest snapshot to a follower that needs compacted entries;
 * the follower installs it (or ignores one at or below its commit); the user compacts the log.
 * The core only ever handles SnapshotMeta — the driver streams the bytes.
 */
import { assert, fail } from "../assert";
import { ProgressState, type Progress } from "../tracker/progress";
import { TraceEventKind } from "./events";
import { MessageType, type SnapshotMessage } from "./messages";
import { commitTo } from "./replication";
import { Role, type RaftState } from "./state";
import type { NodeId, SnapshotMeta } from "./types";

/** sendSnapshot offers the latest snapshot to `to` and pauses appends until it is reported. */
export function sendSnapshot(s: RaftState, to: NodeId, progress: Progress): void {
  const meta = s.log.snapshot;
  assert(meta !== null, "entries were compacted, so a snapshot exists");
  assert(meta.index >= s.log.firstIndex() - 1, "the snapshot covers every compacted entry");
  s.send({ type: MessageType.Snapshot, from: s.id, to, term: s.term, meta });
  progress.becomeSnapshot(meta.index);
  s.emit({ kind: TraceEventKind.SnapshotSent, to, index: meta.index });
}

/**
 * onSnapshot: a snapshot at or below our commit is ignored (we already have all of it); one
 * whose last entry we already hold just fast-forwards the commit; otherwise the log is reset.
 * The answer is an AppendResponse whose index tells the leader where to continue.
 */
export function onSnapshot(s: RaftState, m: SnapshotMessage): void {
  assert(s.role === Role.Follower, "snapshots are handled as follower");
  const meta = m.meta;
  const respond = (index: number): void => s.sendAppendResponse(m.from, false, index, null);
  if (meta.index <= s.log.committed) {
    s.emit({ kind: TraceEventKind.SnapshotIgnored, index: meta.index, commit: s.log.committed });
    respond(s.log.committed);
    return;
  }
  if (s.log.matchTerm(meta.index, meta.term)) {
    commitTo(s, meta.index);
    respond(s.log.committed);
    return;
  }
  const oldCommitted = s.log.committed;
  s.log.restore(meta);
  s.handoff.onSnapshotRestore(meta, oldCommitted);
  s.emit({ kind: TraceEventKind.SnapshotInstalled, index: meta.index, snapshotTerm: meta.term });
  respond(meta.index);
}

/** reportSnapshot: the driver finished (ok) or failed streaming a snapshot to `peer`. */
export function reportSnapshot(s: RaftState, peer: NodeId, ok: boolean): void {
  if (s.role !== Role.Leader) return;
  const progress = s.progressOf(peer);
  if (progress.state !== ProgressState.Snapshot) return;
  if (!ok) progress.pendingSnapshot = 0;
  progress.becomeProbe();
  // Wait for the next heartbeat response before probing, as the follower may still be busy.
  progress.probeSent = true;
}

/**
 * compact records a snapshot the user took at `meta.index` and forgets entries up to
 * meta.index - trailingEntriesKept, so slightly lagging followers still catch up from the log.
 */
export function compact(s: RaftState, meta: SnapshotMeta, trailingEntriesKept: number): void {
  assert(Number.isInteger(trailingEntriesKept) && trailingEntriesKept >= 0, "trailingEntriesKept must be >= 0");
  const appliedIndex = s.handoff.applyHandedThrough;
  if (meta.index > appliedIndex) fail(`snapshot ${meta.index} beyond applied ${appliedIndex}`);
  // A snapshot taken while a newer one arrived from the leader is simply superseded.
  if (meta.index < (s.log.snapshot?.index ?? 0)) return;
  const knownTerm = s.log.term(meta.index);
  if (knownTerm !== null && knownTerm !== meta.term) fail(`snapshot term ${meta.term} != log term ${knownTerm}`);
  s.log.snapshot = meta;
  const compactIndex = Math.max(s.log.firstIndex() - 1, meta.index - trailingEntriesKept);
  s.log.compact(compactIndex);
  const compactedThrough = s.log.firstIndex() - 1;
  s.handoff.pendingCompactedThrough = compactedThrough;
  s.emit({ kind: TraceEventKind.Compacted, snapshotIndex: meta.index, compactedThrough });
}
