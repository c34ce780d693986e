/**
 * The atomic batch path of spec §5.1: arrival checks and staging of every batch message
 * (steps 2-13), and at commit the §4.2 checks over the whole batch with one staged diff, ending
 * in ONE `batch` op proposed to Raft (steps 14-18). Nothing of a batch reaches the in-flight
 * tables unless Raft accepted the proposal.
 */
import { JetStreamApiError, apiError, encodeOp, subjectByteLength, type BatchMsg, type BatchOp } from "@flotilla/stream";
import { assert } from "@flotilla/stream/internal";
import { checkMessage, decidedFields, type CheckContext } from "./checks";
import { HeaderLines, HeaderName, appendHeader, removeHeader } from "./headers";
import { StagedDiff } from "./inflight";
import type { LeaderContext } from "./leader-context";
import { BATCH_ID_BYTES_MAX } from "./limits";
import type { InboundMessage, Proposal, ProposalInfo, PublishOutcome } from "./outcome";
import { BatchCommit, parseBatchCommit, parseUint64Decimal, requiredApiLevelUnsupported } from "./parse";
import type { AtomicBatch } from "./registry";
import { AbandonReason } from "./replies";
import type { Responder } from "./respond";
import type { AppliedView } from "./view";

const decoder = new TextDecoder("utf-8", { ignoreBOM: true });

function tooLarge(size: string | number) {
  return apiError("AtomicPublishTooLargeBatchErrF", { size });
}

/** publishAtomic handles one message carrying a non-empty Nats-Batch-Id (spec §5.1 steps 2-13). */
export function publishAtomic(
  ctx: LeaderContext,
  view: AppliedView,
  res: Responder,
  batchIdBytes: Uint8Array,
  msg: InboundMessage,
  lines: HeaderLines,
): PublishOutcome {
  const { limits, registry } = ctx;
  if (view.config.allow_atomic !== true) return res.reject(apiError("AtomicPublishDisabledErr"));
  if (batchIdBytes.length > BATCH_ID_BYTES_MAX) return res.reject(apiError("AtomicPublishInvalidBatchIDErr"));
  const batchId = decoder.decode(batchIdBytes);
  const seq = parseUint64Decimal(lines.valueBytes(HeaderName.BatchSequence));
  if (seq === undefined) return res.reject(apiError("AtomicPublishMissingSeqErr"));
  const commit = parseBatchCommit(lines.valueBytes(HeaderName.BatchCommit));
  // The eob marker does not count toward the size; the subtraction wraps like Go's uint64.
  const size = BigInt.asUintN(64, seq - (commit === BatchCommit.Eob ? 1n : 0n));
  let batch = registry.find(res.stream, batchId);
  if (batch === undefined) {
    if (seq !== 1n) {
      if (size > BigInt(limits.batchMsgsMax)) return res.reject(tooLarge(limits.batchMsgsMax));
      return res.reject(apiError("AtomicPublishIncompleteBatchErr"));
    }
    const opened = registry.open(res.stream, batchId);
    if (!opened.ok) return res.reject(apiError("AtomicPublishTooManyInflight"));
    batch = opened.batch;
  }
  if (commit === BatchCommit.Invalid) {
    registry.release(batch);
    return res.reject(apiError("AtomicPublishInvalidBatchCommitErr"));
  }
  let headers = msg.headers;
  const level = lines.value(HeaderName.RequiredApiLevel);
  if (level !== undefined && level.length > 0) {
    if (requiredApiLevelUnsupported(level, ctx.apiLevel)) {
      registry.release(batch);
      return res.abandon(batchId, AbandonReason.Unsupported, apiError("RequiredApiLevelErr"));
    }
    headers = removeHeader(headers, HeaderName.RequiredApiLevel);
  }
  const onTime = registry.touch(batch);
  batch.lseq += 1;
  if (BigInt(batch.lseq) !== seq || !onTime || (seq === 1n && commit === BatchCommit.Eob)) {
    registry.release(batch);
    return res.abandon(batchId, AbandonReason.Incomplete, apiError("AtomicPublishIncompleteBatchErr"));
  }
  assert(batch.msgs.length === batch.lseq - 1, "staged messages out of step with the batch sequence");
  if (size > BigInt(limits.batchMsgsMax)) {
    registry.release(batch);
    return res.abandon(batchId, AbandonReason.Large, tooLarge(limits.batchMsgsMax));
  }
  if (commit !== BatchCommit.Eob) {
    const bytes = batch.bytes + stagedBytes(msg.subject, headers, msg.data);
    if (bytes > limits.batchBytesMax) {
      registry.release(batch);
      return res.abandon(batchId, AbandonReason.Large, tooLarge(`${limits.batchBytesMax} bytes`));
    }
    batch.bytes = bytes;
    batch.msgs.push({ subject: msg.subject, headers, data: msg.data });
  }
  if (commit === BatchCommit.None) return res.staged();
  return commitBatch(ctx, view, res, batch, commit === BatchCommit.Eob);
}

/** stagedBytes is what a message counts toward the batch byte limit. */
export function stagedBytes(subject: string, headers: Uint8Array | null, data: Uint8Array): number {
  return subjectByteLength(subject) + (headers?.length ?? 0) + data.length;
}

/** CheckedBatch is a batch whose every message passed the checks, ready to encode. */
interface CheckedBatch {
  readonly msgs: BatchMsg[];
  readonly diff: StagedDiff;
  readonly lastMsgId: string;
}

/** checkBatch runs the §4.2 checks over the staged messages in order, with one staged diff. */
function checkBatch(ctx: CheckContext, batch: AtomicBatch, clseq: number): CheckedBatch | JetStreamApiError {
  const diff = new StagedDiff();
  const msgs: BatchMsg[] = [];
  let lastMsgId = "";
  for (const [k, staged] of batch.msgs.entries()) {
    const lines = new HeaderLines(staged.headers);
    const lastMsgIdHeader = lines.value(HeaderName.ExpectedLastMsgId);
    if (lastMsgIdHeader !== undefined && lastMsgIdHeader.length > 0) {
      return apiError("AtomicPublishUnsupportedHeaderBatchErr", { header: HeaderName.ExpectedLastMsgId });
    }
    const input = { subject: staged.subject, rawSubject: staged.subject, headers: staged.headers, data: staged.data };
    const checked = checkMessage(ctx, diff, input, clseq + k, lines);
    if (!checked.ok) return checked.error;
    lastMsgId = checked.msgId ?? "";
    msgs.push({
      subject: staged.subject,
      headers: staged.headers,
      data: staged.data,
      ...decidedFields(checked),
    });
  }
  assert(msgs.length === batch.msgs.length, "checked batch lost messages");
  return { msgs, diff, lastMsgId };
}

/** commitBatch checks the batch and proposes it as ONE `batch` op (steps 14-18). */
function commitBatch(
  ctx: LeaderContext,
  view: AppliedView,
  res: Responder,
  batch: AtomicBatch,
  eob: boolean,
): PublishOutcome {
  assert(batch.msgs.length >= 1, "commit of an empty batch");
  const inflight = ctx.inflightFor(res.stream, view);
  const clseq = ctx.clusteredLastSeq(view, inflight);
  assert(clseq >= view.lastSeq, "clustered sequence behind the applied state");
  // One time for the checks and the entry: the dedupe window is judged at the entry's time.
  const nowNs = ctx.clock.nowNs();
  const checked = checkBatch({ view, inflight, nowNs }, batch, clseq);
  ctx.registry.release(batch);
  if (checked instanceof JetStreamApiError) return res.reject(checked);
  const last = checked.msgs[checked.msgs.length - 1];
  assert(last !== undefined, "batch without messages");
  if (eob) last.headers = appendHeader(last.headers, HeaderName.BatchCommit, "1");
  const op: BatchOp = {
    op: "batch",
    stream: res.stream,
    batchId: batch.id,
    firstSeq: clseq + 1,
    timestampNs: nowNs,
    msgs: checked.msgs,
    ...(res.reply !== undefined ? { reply: res.reply } : {}),
  };
  const bytes = encodeOp(op);
  if (bytes.length > ctx.limits.raftEntryBytesMax) {
    return res.abandon(batch.id, AbandonReason.Large, tooLarge(`${ctx.limits.raftEntryBytesMax} bytes`));
  }
  const proposal: Proposal = {
    stream: res.stream,
    kind: "batch",
    firstSeq: clseq + 1,
    lastSeq: clseq + checked.msgs.length,
    count: checked.msgs.length,
    batchId: batch.id,
    ...(res.reply !== undefined ? { reply: res.reply } : {}),
    bytes,
    op,
  };
  assert(proposal.lastSeq - proposal.firstSeq + 1 === batch.msgs.length, "proposal does not cover the batch");
  const accepted = ctx.propose(bytes, infoOf(proposal));
  if (accepted) inflight.merge(checked.diff, proposal.firstSeq, proposal.lastSeq, checked.lastMsgId);
  return res.proposed(proposal, accepted);
}

/** infoOf strips the bytes and op from a proposal, for the propose callback. */
export function infoOf(proposal: Proposal): ProposalInfo {
  const { bytes: _bytes, op: _op, ...info } = proposal;
  return info;
}
