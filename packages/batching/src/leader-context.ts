/**
 * The leader state the publish paths share (limits, registry, clock, propose, in-flight tables),
 * as one narrow interface so atomic.ts and plain.ts do not depend on the BatchingLeader class.
 */
import type { Clock } from "./clock";
import type { StreamInflight } from "./inflight";
import type { BatchLimits } from "./limits";
import type { ProposeFn } from "./outcome";
import type { BatchRegistry } from "./registry";
import type { AppliedView } from "./view";

/** LeaderContext is what a publish path may use. */
export interface LeaderContext {
  readonly limits: BatchLimits;
  readonly registry: BatchRegistry;
  readonly clock: Clock;
  readonly apiLevel: number;
  readonly propose: ProposeFn;
  /** inflightFor returns the stream's in-flight tables, with applied proposals released. */
  inflightFor(stream: string, view: AppliedView): StreamInflight;
  /** clusteredLastSeq is the applied last sequence plus everything in flight. */
  clusteredLastSeq(view: AppliedView, inflight: StreamInflight): number;
  /** lastMsgId is the Nats-Msg-Id of the last message in flight, else of the last stored ("" when it had none). */
  lastMsgId(view: AppliedView, inflight: StreamInflight): string;
}
