/**
 * The pre-clustered header checks of spec §4.2 (nats-server's
 * checkMsgHeadersPreClusteredProposal), run on the leader for every plain publish and for every
 * message of an atomic batch at commit time, in the spec's row order, against the applied view +
 * the stream's in-flight tables + the staged diff of the batch. Flotilla streams never enable
 * counters or schedules, so rows 2-3 and 13-16 give exactly the errors nats-server gives when those
 * features are off; rows 8-9 (counter arithmetic) cannot apply.
 */
import {
  apiError,
  isValidPublishSubject,
  limits as streamLimits,
  messageSize,
  Rollup,
  TTL_NEVER_NS,
  type BatchMsg,
  type JetStreamApiError,
  type RollupValue,
} from "@flotilla/stream";
import { assert, goQuote } from "@flotilla/stream/internal";
import { HeaderLines, HeaderName } from "./headers";
import type { StagedDiff, StreamInflight } from "./inflight";
import { FILE_RECORD_BYTES_MAX, HEADER_BYTES_MAX } from "./limits";
import { isGoBigInt, isValidTimeZone, parseExpectedSequence, parseMessageTtl } from "./parse";
import type { AppliedView } from "./view";

/**
 * CheckContext is what one check run reads: applied view and in-flight tables of one stream, and
 * the leader's time (the timestamp the proposal will carry), which decides whether a Msg-Id has
 * left the duplicate window even before an applied entry pruned it.
 */
export interface CheckContext {
  readonly view: AppliedView;
  readonly inflight: StreamInflight;
  readonly nowNs: bigint;
}

/** CheckInput is one message: `subject` after the input transform, `rawSubject` as published. */
export interface CheckInput {
  readonly subject: string;
  readonly rawSubject: string;
  readonly headers: Uint8Array | null;
  readonly data: Uint8Array;
}

/** CheckPassed carries what the leader decided from the headers, for the proposal. */
export interface CheckPassed {
  readonly ok: true;
  readonly msgId?: string;
  readonly ttlNs?: bigint;
  readonly rollup?: RollupValue;
}

/** decidedFields are the op fields a passed check decided (absent ones left out, as the codec wants). */
export function decidedFields(checked: CheckPassed): Pick<BatchMsg, "msgId" | "ttlNs" | "rollup"> {
  // Assigned one by one: spreading conditional literals built up to four objects per message.
  const fields: { msgId?: string; ttlNs?: bigint; rollup?: RollupValue } = {};
  if (checked.msgId !== undefined) fields.msgId = checked.msgId;
  if (checked.ttlNs !== undefined) fields.ttlNs = checked.ttlNs;
  if (checked.rollup !== undefined) fields.rollup = checked.rollup;
  return fields;
}

/** CheckFailed is the first failing check; duplicateSeq > 0 marks a Msg-Id already stored. */
export interface CheckFailed {
  readonly ok: false;
  readonly error: JetStreamApiError;
  readonly duplicateSeq: number;
}

/** CheckOutcome is the result of checking one message. */
export type CheckOutcome = CheckPassed | CheckFailed;

function fail(error: JetStreamApiError, duplicateSeq = 0): CheckFailed {
  return { ok: false, error, duplicateSeq };
}

function storeFailed(text: string): CheckFailed {
  return fail(apiError("StreamStoreFailedF", { err: text }));
}

function rollupFailed(text: string): CheckFailed {
  return fail(apiError("StreamRollupFailedF", { err: text }));
}

/**
 * checkMessage runs rows 0-20 of spec §4.2 for one message. `clseq` is the clustered last
 * sequence before this message (applied last sequence + in-flight + earlier batch messages).
 * `lines` indexes `input.headers` (one pass over the block; the rows look headers up by line);
 * a caller that already made one passes it. On success the staged diff holds this message's
 * effects; on failure the caller discards it.
 */
export function checkMessage(
  ctx: CheckContext,
  diff: StagedDiff,
  input: CheckInput,
  clseq: number,
  lines = new HeaderLines(input.headers),
): CheckOutcome {
  const cfg = ctx.view.config;
  const hdr = input.headers;
  assert(lines.hdr === hdr, "the header lines index another block");
  // Row 0: the file store refuses records above its bad-record threshold.
  if (cfg.storage === "file" && messageSize("file", input.subject, hdr, input.data) > FILE_RECORD_BYTES_MAX) {
    return storeFailed("message too large");
  }
  let passed: CheckPassed = { ok: true };
  if (hdr !== null && hdr.length > 0) {
    const early = checkHeadersEarly(ctx, diff, lines);
    if (!early.ok) return early;
    passed = early;
    const sequences = checkExpectedSequences(ctx, diff, lines, input.subject, clseq);
    if (sequences !== undefined) return sequences;
    const schedules = checkSchedules(lines, input.subject);
    if (schedules !== undefined) return schedules;
    const rollup = checkRollup(cfg, diff, lines, input.subject);
    if (!rollup.ok) return rollup;
    if (rollup.rollup !== undefined) passed = { ...passed, rollup: rollup.rollup };
  }
  // Row 18: record this message in the staged in-flight table before the discard checks.
  const size = messageSize(cfg.storage, input.subject, hdr, input.data);
  let staged = diff.subjects.get(input.subject);
  if (staged === undefined) {
    staged = { bytes: 0, ops: 0 };
    diff.subjects.set(input.subject, staged);
  }
  staged.bytes += size;
  staged.ops += 1;
  if (input.subject !== input.rawSubject) diff.transforms.set(clseq, input.subject);
  const discard = checkDiscardNew(ctx, diff, input.subject, lines, staged.ops);
  return discard ?? passed;
}

/** Rows 1-7: header size, counters (off), expected stream, TTL, Msg-Id dedupe, source header. */
function checkHeadersEarly(ctx: CheckContext, diff: StagedDiff, lines: HeaderLines): CheckOutcome {
  const cfg = ctx.view.config;
  if ((lines.hdr?.length ?? 0) > HEADER_BYTES_MAX) return fail(apiError("StreamHeaderExceedsMaximumErr"));
  const incr = lines.value(HeaderName.Incr);
  if (incr !== undefined && incr.length > 0) {
    if (!isGoBigInt(incr)) return fail(apiError("MessageIncrInvalidErr"));
    return fail(apiError("MessageIncrDisabledErr"));
  }
  const expectedStream = lines.value(HeaderName.ExpectedStream);
  if (expectedStream !== undefined && expectedStream.length > 0 && expectedStream !== cfg.name) {
    return fail(apiError("StreamNotMatchErr"));
  }
  let ttlNs: bigint | undefined;
  const ttlText = lines.value(HeaderName.Ttl);
  if (ttlText !== undefined && ttlText.length > 0) {
    const ttl = parseMessageTtl(ttlText);
    if (!ttl.ok || ttl.seconds !== 0n) {
      if (!cfg.allow_msg_ttl) return fail(apiError("MessageTTLDisabledErr"));
      if (!ttl.ok) return fail(apiError("MessageTTLInvalidErr"));
      ttlNs = ttl.seconds < 0n ? TTL_NEVER_NS : ttl.seconds * 1_000_000_000n;
    }
  }
  const msgId = lines.value(HeaderName.MsgId);
  if (msgId !== undefined && msgId.length > 0) {
    // The store keys its dedupe window by id with a bounded length (its op codec refuses longer
    // ids); nats-server has no such bound, so this is Flotilla's own refusal.
    if (msgId.length > streamLimits.MSG_ID_BYTES_MAX) return fail(apiError("BadRequestErr"));
    if (diff.msgIds.has(msgId)) return fail(apiError("AtomicPublishContainsDuplicateMessageErr"));
    const stored = ctx.view.dedupe(msgId, ctx.nowNs);
    if (stored !== undefined && stored.seq > 0) {
      return fail(apiError("AtomicPublishContainsDuplicateMessageErr"), stored.seq);
    }
    if (ctx.inflight.msgIds.has(msgId)) return fail(apiError("StreamDuplicateMessageConflict"));
    diff.msgIds.add(msgId);
  }
  const source = lines.valueBytes(HeaderName.StreamSource);
  if (source !== null && source.length > 0) return fail(apiError("StreamSourceHeaderNotAllowedErr"));
  const passed: { ok: true; msgId?: string; ttlNs?: bigint } = { ok: true };
  if (msgId !== undefined && msgId.length > 0) passed.msgId = msgId;
  if (ttlNs !== undefined) passed.ttlNs = ttlNs;
  return passed;
}

/** Rows 10-12: expected last sequence and expected last subject sequence (with the cache). */
function checkExpectedSequences(
  ctx: CheckContext,
  diff: StagedDiff,
  lines: HeaderLines,
  subject: string,
  clseq: number,
): CheckFailed | undefined {
  const lastSeqText = lines.value(HeaderName.ExpectedLastSeq);
  if (lastSeqText !== undefined && lastSeqText.length > 0) {
    if (parseExpectedSequence(lastSeqText) !== BigInt(clseq)) {
      return fail(apiError("StreamWrongLastSequenceErrF", { seq: clseq }));
    }
    // Only the first message of a batch may carry an expected last sequence.
    if (diff.subjects.size > 0) return fail(apiError("StreamWrongLastSequenceConstantErr"));
  }
  const subjSeqText = lines.value(HeaderName.ExpectedLastSubjSeq);
  const filter = lines.value(HeaderName.ExpectedLastSubjSeqSubj);
  if (subjSeqText === undefined || subjSeqText.length === 0) {
    if (filter !== undefined && filter.length > 0) {
      return fail(apiError("StreamExpectedLastSeqPerSubjectInvalid"));
    }
    return undefined;
  }
  const expected = parseExpectedSequence(subjSeqText);
  const seqSubject = filter !== undefined && filter.length > 0 ? filter : subject;
  // (a) written earlier in this batch, (b) checked by another in-flight proposal,
  // (c) written by another in-flight proposal: the stored sequence would be stale.
  if (diff.subjects.has(seqSubject)) return fail(apiError("StreamWrongLastSequenceConstantErr"));
  if (ctx.inflight.expectedPerSubjectInProcess.has(seqSubject)) {
    return fail(apiError("StreamWrongLastSequenceConstantErr"));
  }
  if (ctx.inflight.subjects.has(seqSubject)) return fail(apiError("StreamWrongLastSequenceConstantErr"));
  const cached = diff.expectedPerSubject.get(seqSubject);
  if (cached !== undefined) {
    if (BigInt(cached.sseq) !== expected) {
      return fail(apiError("StreamWrongLastSequenceErrF", { seq: cached.sseq }));
    }
    cached.clseq = clseq;
    return undefined;
  }
  const found = ctx.view.subjectLastSeq(seqSubject);
  if (BigInt(found) !== expected) return fail(apiError("StreamWrongLastSequenceErrF", { seq: found }));
  diff.expectedPerSubject.set(seqSubject, { sseq: found, clseq });
  return undefined;
}

/** Rows 13-16 with schedules off: every use answers as nats-server does on such a stream. */
function checkSchedules(lines: HeaderLines, subject: string): CheckFailed | undefined {
  const zone = lines.value(HeaderName.ScheduleTimeZone);
  if (zone !== undefined && (zone.length === 0 || !isValidTimeZone(zone))) {
    return fail(apiError("MessageSchedulesDisabledErr"));
  }
  const pattern = lines.value(HeaderName.Schedule);
  if (pattern !== undefined && pattern.length > 0) return fail(apiError("MessageSchedulesDisabledErr"));
  const next = lines.value(HeaderName.ScheduleNext);
  const scheduler = lines.value(HeaderName.Scheduler);
  if (next !== undefined && next.length > 0) {
    if (next !== "purge") return fail(apiError("MessageSchedulesSchedulerInvalidErr"));
    if (scheduler === undefined || scheduler.length === 0 || scheduler === subject || !isValidPublishSubject(scheduler)) {
      return fail(apiError("MessageSchedulesSchedulerInvalidErr"));
    }
    return fail(apiError("MessageSchedulesDisabledErr"));
  }
  if (scheduler !== undefined && scheduler.length > 0) {
    return fail(apiError("MessageSchedulesSchedulerInvalidErr"));
  }
  return undefined;
}

type RollupCheck = { readonly ok: true; readonly rollup?: RollupValue } | CheckFailed;

/** Row 17: rollups must be allowed, `sub` first on its subject, `all` first in the batch. */
function checkRollup(
  cfg: AppliedView["config"],
  diff: StagedDiff,
  lines: HeaderLines,
  subject: string,
): RollupCheck {
  const raw = lines.value(HeaderName.Rollup);
  if (raw === undefined || raw.length === 0) return { ok: true };
  if (!cfg.allow_rollup_hdrs || cfg.deny_purge) return rollupFailed("rollup not permitted");
  const rollup = raw.toLowerCase();
  if (rollup === Rollup.Sub) {
    if (diff.subjects.has(subject)) return rollupFailed("batch rollup sub invalid");
    return { ok: true, rollup: Rollup.Sub };
  }
  if (rollup === Rollup.All) {
    if (diff.subjects.size > 0) return rollupFailed("batch rollup all invalid");
    return { ok: true, rollup: Rollup.All };
  }
  return rollupFailed(`rollup value invalid: ${goQuote(rollup)}`);
}

/** Rows 19-20: discard-new limits count stored + in-flight + staged (this message included). */
function checkDiscardNew(
  ctx: CheckContext,
  diff: StagedDiff,
  subject: string,
  lines: HeaderLines,
  stagedSubjectOps: number,
): CheckFailed | undefined {
  const cfg = ctx.view.config;
  if (cfg.discard !== "new") return undefined;
  if (cfg.max_msgs > 0 || cfg.max_bytes > 0) {
    const state = ctx.view.state();
    const inflight = ctx.inflight.totals();
    const staged = diff.totals();
    const totalMsgs = state.messages + inflight.ops + staged.ops;
    const totalBytes = state.bytes + inflight.bytes + staged.bytes;
    if (cfg.max_msgs > 0 && totalMsgs > cfg.max_msgs) return storeFailed("maximum messages exceeded");
    if (cfg.max_bytes > 0 && totalBytes > cfg.max_bytes) return storeFailed("maximum bytes exceeded");
  }
  const rollup = lines.valueBytes(HeaderName.Rollup);
  if (cfg.discard_new_per_subject === true && cfg.max_msgs_per_subject > 0 && (rollup === null || rollup.length === 0)) {
    const total =
      ctx.view.subjectMsgCount(subject) + stagedSubjectOps + (ctx.inflight.subjects.get(subject)?.ops ?? 0);
    if (total > cfg.max_msgs_per_subject) return storeFailed("maximum messages per subject exceeded");
  }
  return undefined;
}
