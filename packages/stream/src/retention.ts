/**
 * retention.ts: the removal rules apply runs: limits (discard old, per subject), max_age and
 * per-message TTL expiry at a time carried in the entry, rollups, and purges with nats-server
 * semantics. Every function mutates one StreamMemory and appends Level ops; none reads a clock.
 */
import { assert } from "./assert";
import { TTL_HEAP_SLACK_ENTRIES } from "./limits";
import type { LevelOp } from "./level-types";
import type { PurgeOp } from "./ops";
import type { StreamMemory } from "./stream-memory";
import { isWildcardFilter, subjectMatches } from "./subjects";
import type { Nanos, Seq } from "./units";

/**
 * enforceSubjectLimit drops the oldest messages of `subject` beyond max_msgs_per_subject,
 * whatever the discard policy, as nats-server's stores do. (With discard_new_per_subject the
 * leader refuses the message before it is proposed, so the limit is never exceeded there.)
 */
export function enforceSubjectLimit(stream: StreamMemory, ops: LevelOp[], subject: string): number {
  const limit = stream.config.max_msgs_per_subject;
  if (limit <= 0) return 0;
  const seqs = stream.subjects.get(subject);
  let removed = 0;
  while (seqs !== undefined && seqs.size > limit) {
    assert(stream.removeMessage(ops, seqs.first()), "enforceSubjectLimit: indexed message missing");
    removed += 1;
  }
  return removed;
}

/** enforceAllSubjectLimits applies the per-subject limit to every subject (config update). */
export function enforceAllSubjectLimits(stream: StreamMemory, ops: LevelOp[]): number {
  let removed = 0;
  for (const subject of [...stream.subjects.keys()]) removed += enforceSubjectLimit(stream, ops, subject);
  return removed;
}

/**
 * enforceStreamLimits drops the oldest messages while max_msgs or max_bytes is exceeded, for
 * discard old. With discard new the leader's checks refuse over-limit messages before they
 * are proposed, and apply stores what the entry says.
 */
export function enforceStreamLimits(stream: StreamMemory, ops: LevelOp[]): number {
  const { discard, max_msgs: maxMsgs, max_bytes: maxBytes } = stream.config;
  if (discard !== "old") return 0;
  let removed = 0;
  while (maxMsgs > 0 && stream.messages.size > maxMsgs) {
    assert(stream.removeMessage(ops, stream.firstSeq), "enforceStreamLimits: first message missing");
    removed += 1;
  }
  while (maxBytes > 0 && stream.bytes > maxBytes && stream.messages.size > 0) {
    assert(stream.removeMessage(ops, stream.firstSeq), "enforceStreamLimits: first message missing");
    removed += 1;
  }
  return removed;
}

function expireTtl(stream: StreamMemory, ops: LevelOp[], nowNs: Nanos): number {
  let removed = 0;
  for (;;) {
    const deadline = stream.ttl.peekDeadline();
    if (deadline === undefined || deadline > nowNs) break;
    const entry = stream.ttl.pop();
    const meta = stream.messages.get(entry.seq);
    if (meta !== undefined && meta.ttlDeadlineNs === entry.deadlineNs) {
      assert(stream.removeMessage(ops, entry.seq), "expireTtl: message vanished");
      removed += 1;
    }
  }
  return removed;
}

/**
 * expireMaxAge removes messages stored at or before nowNs - max_age, oldest sequence first,
 * stopping at the first one that is young enough (as nats-server does). Messages whose TTL is
 * `never` are exempt and skipped.
 */
function expireMaxAge(stream: StreamMemory, ops: LevelOp[], nowNs: Nanos): number {
  if (stream.config.max_age <= 0 || stream.messages.size === 0) return 0;
  const cutoffNs = nowNs - BigInt(stream.config.max_age);
  let removed = 0;
  for (let seq = stream.firstSeq; seq <= stream.lastSeq && stream.messages.size > 0; seq++) {
    const meta = stream.messages.get(seq);
    if (meta === undefined || meta.ttlDeadlineNs === -1n) continue;
    if (meta.timestampNs > cutoffNs) break;
    stream.removeMessage(ops, seq);
    removed += 1;
  }
  return removed;
}

/** expireAt runs TTL expiry, max_age expiry and dedupe pruning with `nowNs` as the time. */
export function expireAt(stream: StreamMemory, ops: LevelOp[], nowNs: Nanos): number {
  const removed = expireTtl(stream, ops, nowNs) + expireMaxAge(stream, ops, nowNs);
  stream.pruneDedupe(ops, nowNs);
  if (stream.ttl.size > 2 * stream.messages.size + TTL_HEAP_SLACK_ENTRIES) {
    stream.ttl.retain((deadlineNs, seq) => stream.messages.get(seq)?.ttlDeadlineNs === deadlineNs);
  }
  return removed;
}

/** removeSubject removes every message of `subject` (rollup sub). */
export function removeSubject(stream: StreamMemory, ops: LevelOp[], subject: string): number {
  const seqs = stream.subjects.get(subject);
  if (seqs === undefined) return 0;
  const all = seqs.toArray();
  for (const seq of all) stream.removeMessage(ops, seq);
  return all.length;
}

/** removeAll removes every message and leaves first = last + 1 (rollup all, purge). */
export function removeAll(stream: StreamMemory, ops: LevelOp[]): number {
  const all = [...stream.messages.keys()];
  for (const seq of all) stream.removeMessage(ops, seq);
  stream.resetSequences(stream.lastSeq + 1, stream.lastSeq);
  return all.length;
}

/** compact removes every message below `seq`; beyond the last sequence it moves the sequences. */
function compact(stream: StreamMemory, ops: LevelOp[], seq: Seq): number {
  if (seq > stream.lastSeq) {
    const removed = removeAll(stream, ops);
    if (seq > stream.lastSeq + 1) stream.resetSequences(seq, seq - 1);
    return removed;
  }
  let removed = 0;
  for (let s = stream.firstSeq; s < seq; s++) if (stream.removeMessage(ops, s)) removed += 1;
  return removed;
}

function matchingSeqs(stream: StreamMemory, filter: string): Seq[] {
  if (!isWildcardFilter(filter)) return stream.subjects.get(filter)?.toArray() ?? [];
  const seqs: Seq[] = [];
  for (const [subject, list] of stream.subjects) {
    if (subjectMatches(filter, subject)) seqs.push(...list.toArray());
  }
  return seqs.sort((a, b) => a - b);
}

/**
 * purge implements nats-server's PurgeEx. Without a filter (or with `>`): no seq and no keep
 * purges everything; seq > 1 compacts below seq (keep is then ignored); keep compacts below
 * last_seq - keep + 1 unless keep >= messages (sequence arithmetic, as nats-server does, so
 * interior gaps can leave fewer than `keep`); seq 1 alone purges nothing. With a filter: the
 * matching messages, oldest first, below seq when seq > 1, sparing the newest `keep` matching
 * messages. Returns how many messages were removed.
 */
export function purge(stream: StreamMemory, ops: LevelOp[], op: PurgeOp): number {
  const keep = op.keep ?? 0;
  const below = op.seq ?? 0;
  if (op.filter === undefined || op.filter === ">") {
    if (keep === 0 && below === 0) return removeAll(stream, ops);
    if (below > 1) return compact(stream, ops, below);
    if (keep > 0) {
      return keep >= stream.messages.size ? 0 : compact(stream, ops, stream.lastSeq - keep + 1);
    }
    return 0;
  }
  const matching = matchingSeqs(stream, op.filter);
  if (keep > 0 && keep >= matching.length) return 0;
  const removable = keep > 0 ? matching.length - keep : matching.length;
  let removed = 0;
  for (const seq of matching) {
    if (removed >= removable || (below > 1 && seq >= below)) break;
    assert(stream.removeMessage(ops, seq), "purge: matching message missing");
    removed += 1;
  }
  return removed;
}
