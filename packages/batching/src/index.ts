/**
 * @flotilla/batching: leader-side atomic batch publishing and the pre-clustered header checks.
 * A server creates one BatchingLeader per leadership term and drives it with publish,
 * onApplied and onLeadershipLost; see README.md for the contract.
 */
export { BatchingLeader, type BatchingLeaderOptions } from "./leader";
export {
  PublishStatus,
  type InboundMessage,
  type Proposal,
  type ProposalInfo,
  type ProposeFn,
  type PublishOutcome,
} from "./outcome";
export { ManualClock, systemClock, systemScheduler, type Clock, type Scheduler, type TimerHandle } from "./clock";
export * from "./limits";
export {
  ADVISORY_BATCH_ABANDONED_PREFIX,
  ADVISORY_BATCH_ABANDONED_TYPE,
  AbandonReason,
  batchPubAck,
  duplicatePubAck,
  errorResponse,
  pubAck,
  type OutboundMessage,
} from "./replies";
export { HeaderName, appendHeader, buildHeaders, headerValue, headerValueBytes, removeHeader } from "./headers";
export type { AppliedView } from "./view";
export type { InflightSnapshot } from "./inflight";
