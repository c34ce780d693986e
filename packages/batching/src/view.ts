/**
 * The part of the stream state machine's applied state that the leader's checks read. It is a
 * structural subset of `StreamView` from @flotilla/stream, named here so the checks state
 * exactly what they depend on (and so a test can see what a check looks at).
 */
import type { StreamConfig } from "@flotilla/stream";

/** AppliedView is the synchronous, applied state of one stream. */
export interface AppliedView {
  readonly config: StreamConfig;
  /** lastSeq is the last stored (applied) sequence, 0 for an empty stream. */
  readonly lastSeq: number;
  /** state gives the message and byte totals discard-new limits count against. */
  state(): { readonly messages: number; readonly bytes: number };
  /** subjectLastSeq is the last sequence stored on a subject or wildcard filter (0 = none). */
  subjectLastSeq(subjectOrFilter: string): number;
  /** subjectMsgCount is the number of stored messages on a literal subject. */
  subjectMsgCount(subject: string): number;
  /** dedupe finds a message id in the stream's dedupe window. */
  dedupe(msgId: string): { readonly seq: number } | undefined;
  /** lastMsgId, when the store offers it, is the Nats-Msg-Id of the last stored message ("" if none). */
  lastMsgId?(): string;
}
