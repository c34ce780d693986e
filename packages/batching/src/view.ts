/**
 * The part of the stream state machine's applied state that the leader's checks read: the
 * synchronous reads of `StreamView` from @flotilla/stream, picked by name so the checks state
 * exactly what they depend on (and so a test double knows what it must answer).
 */
import type { StreamView } from "@flotilla/stream";

/**
 * AppliedView is the synchronous, applied state of one stream: config, lastSeq, state() (the
 * totals discard-new counts), subjectLastSeq / subjectMsgCount (expected-subject checks and the
 * per-subject limit), dedupe(msgId, nowNs) (the Msg-Id window at the leader's time) and
 * lastMsgId() (Nats-Expected-Last-Msg-Id).
 */
export type AppliedView = Pick<
  StreamView,
  "config" | "lastSeq" | "state" | "subjectLastSeq" | "subjectMsgCount" | "dedupe" | "lastMsgId"
>;
