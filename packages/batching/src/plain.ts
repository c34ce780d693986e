/**
 * The plain (non-batch) publish path: the same §4.2 checks as a batch of one, then ONE `msg` op
 * proposed to Raft. A duplicate Nats-Msg-Id already stored is answered with the original
 * sequence; Nats-Expected-Last-Msg-Id (which nats-server checks on apply) is checked here,
 * against the stored-or-in-flight last message id, because Flotilla's apply never refuses.
 */
import { apiError, encodeOp, type MsgOp } from "@flotilla/stream";
import { assert } from "@flotilla/stream/internal";
import { infoOf } from "./atomic";
import { checkMessage, decidedFields } from "./checks";
import { HeaderName, type HeaderLines } from "./headers";
import { StagedDiff } from "./inflight";
import type { LeaderContext } from "./leader-context";
import type { InboundMessage, Proposal, PublishOutcome } from "./outcome";
import type { Responder } from "./respond";
import type { AppliedView } from "./view";

/** publishPlain checks and proposes one message that is not part of an atomic batch. */
export function publishPlain(
  ctx: LeaderContext,
  view: AppliedView,
  res: Responder,
  msg: InboundMessage,
  lines: HeaderLines,
): PublishOutcome {
  const inflight = ctx.inflightFor(res.stream, view);
  const clseq = ctx.clusteredLastSeq(view, inflight);
  assert(clseq >= view.lastSeq, "clustered sequence behind the applied state");
  const diff = new StagedDiff();
  const input = { subject: msg.subject, rawSubject: msg.subject, headers: msg.headers, data: msg.data };
  // One time for the checks and the entry: the dedupe window is judged at the entry's time.
  const nowNs = ctx.clock.nowNs();
  const checked = checkMessage({ view, inflight, nowNs }, diff, input, clseq, lines);
  if (!checked.ok) {
    if (checked.duplicateSeq > 0) return res.duplicate(checked.duplicateSeq);
    return res.reject(checked.error);
  }
  const expectedLastMsgId = lines.value(HeaderName.ExpectedLastMsgId);
  if (expectedLastMsgId !== undefined && expectedLastMsgId.length > 0) {
    const last = ctx.lastMsgId(view, inflight);
    if (expectedLastMsgId !== last) return res.reject(apiError("StreamWrongLastMsgIDErrF", { id: last }));
  }
  const op: MsgOp = {
    op: "msg",
    stream: res.stream,
    seq: clseq + 1,
    timestampNs: nowNs,
    subject: msg.subject,
    headers: msg.headers,
    data: msg.data,
    ...decidedFields(checked),
    ...(res.reply !== undefined ? { reply: res.reply } : {}),
  };
  const bytes = encodeOp(op);
  const proposal: Proposal = {
    stream: res.stream,
    kind: "msg",
    firstSeq: op.seq,
    lastSeq: op.seq,
    count: 1,
    ...(res.reply !== undefined ? { reply: res.reply } : {}),
    bytes,
    op,
  };
  const accepted = ctx.propose(bytes, infoOf(proposal));
  if (accepted) inflight.merge(diff, op.seq, op.seq, checked.msgId ?? "");
  return res.proposed(proposal, accepted);
}
