/**
 * BatchingLeader: the leader-side entry point a server drives. `publish` runs the generic
 * arrival checks (spec §3.3), routes the message to the atomic batch path or the plain path,
 * and returns what to send plus the proposal it handed to Raft. `onApplied` releases in-flight
 * accounting and builds the PubAck; `onLeadershipLost` and the stream hooks drop batches and
 * in-flight state without advisories, as nats-server does.
 */
import { apiError, isValidPublishSubject, limits as streamLimits, type ApplyResult } from "@flotilla/stream";
import { assertNever } from "@flotilla/stream/internal";
import { publishAtomic } from "./atomic";
import { systemClock, systemScheduler, type Clock, type Scheduler } from "./clock";
import { HeaderLines, HeaderName } from "./headers";
import { StreamInflight, type InflightSnapshot } from "./inflight";
import type { LeaderContext } from "./leader-context";
import { JS_API_LEVEL, resolveBatchLimits, type BatchLimits, type BatchLimitsConfig } from "./limits";
import { PublishStatus, type InboundMessage, type ProposeFn, type PublishOutcome } from "./outcome";
import { publishPlain } from "./plain";
import type { AtomicBatch } from "./registry";
import { BatchRegistry } from "./registry";
import {
  AbandonReason,
  batchAbandonedAdvisory,
  batchPubAck,
  errorResponseWire,
  pubAck,
  type OutboundMessage,
} from "./replies";
import { Responder, type AdvisoryStamp } from "./respond";
import type { AppliedView } from "./view";
import { randomId } from "./ids";

/** FAST_BATCH_REPLY_SUFFIX ends the reply subject of every fast-batch ("fast ingest") message. */
const FAST_BATCH_REPLY_SUFFIX = ".$FI";

/** BatchingLeaderOptions wires the leader to the server (everything nondeterministic injected). */
export interface BatchingLeaderOptions {
  /** views returns the applied view of a stream (StreamStore.view), undefined if unknown. */
  readonly views: (stream: string) => AppliedView | undefined;
  /** propose hands one encoded entry to Raft; see ProposeFn. */
  readonly propose: ProposeFn;
  readonly clock?: Clock;
  readonly scheduler?: Scheduler;
  /** newAdvisoryId makes advisory ids (nats-server uses a NUID). */
  readonly newAdvisoryId?: () => string;
  /** onTimerAdvisory receives advisories raised by the inactivity timer (outside any publish). */
  readonly onTimerAdvisory?: (advisory: OutboundMessage) => void;
  readonly limits?: BatchLimitsConfig;
  /** domain is the JetStream domain, added to PubAcks and advisories when set. */
  readonly domain?: string;
  /** apiLevel is the JetStream API level checked against Nats-Required-Api-Level. */
  readonly apiLevel?: number;
}

/** BatchingLeader stages atomic batches and checks publishes for the streams this node leads. */
export class BatchingLeader {
  readonly limits: BatchLimits;
  private readonly registry: BatchRegistry;
  private readonly inflight = new Map<string, StreamInflight>();
  private readonly clock: Clock;
  private readonly newAdvisoryId: () => string;
  /** stamp is shared by every publish's Responder (built once, not per message). */
  private readonly stamp: AdvisoryStamp;
  private readonly ctx: LeaderContext;

  constructor(private readonly options: BatchingLeaderOptions) {
    this.limits = resolveBatchLimits(options.limits);
    this.clock = options.clock ?? systemClock;
    this.newAdvisoryId = options.newAdvisoryId ?? randomId;
    this.stamp = { newId: this.newAdvisoryId, nowNs: () => this.clock.nowNs() };
    this.registry = new BatchRegistry(this.limits, this.clock, options.scheduler ?? systemScheduler, (batch) =>
      this.onBatchTimeout(batch),
    );
    this.ctx = {
      limits: this.limits,
      registry: this.registry,
      clock: this.clock,
      apiLevel: options.apiLevel ?? JS_API_LEVEL,
      propose: options.propose,
      inflightFor: (stream, view) => this.inflightFor(stream, view),
      clusteredLastSeq: (view, inflight) => Math.max(view.lastSeq, inflight.lastProposedSeq()),
      lastMsgId: (view, inflight) => inflight.lastProposedMsgId() ?? view.lastMsgId(),
    };
  }

  /** publish handles one inbound message for `stream` (spec §1.3 classification, §3.3, §5.1). */
  publish(stream: string, msg: InboundMessage): PublishOutcome {
    const view = this.options.views(stream);
    // Only literal subjects reach JetStream in NATS (the protocol refuses the rest), and the op
    // codec refuses them too: such a message is dropped, never proposed.
    if (view === undefined || !isValidPublishSubject(msg.subject) || msg.subject.length > streamLimits.SUBJECT_BYTES_MAX) {
      return { status: PublishStatus.Dropped, replies: [], advisories: [] };
    }
    const cfg = view.config;
    const reply = cfg.no_ack !== true && msg.reply !== undefined && msg.reply.length > 0 ? msg.reply : undefined;
    const res = new Responder(stream, reply, this.options.domain, this.stamp);
    if (cfg.sealed) return res.reject(apiError("StreamSealedErr"));
    const hdrBytes = msg.headers?.length ?? 0;
    const maxMsgSize = cfg.max_msg_size;
    if (maxMsgSize >= 0 && (hdrBytes > maxMsgSize || msg.data.length > maxMsgSize - hdrBytes)) {
      return res.reject(apiError("StreamMessageExceedsMaximumErr"));
    }
    // Flotilla's store bounds one message (measured as its op codec does); nats-server's
    // max_payload plays this role there.
    if (msg.subject.length + hdrBytes + msg.data.length > streamLimits.MESSAGE_BYTES_MAX) {
      return res.reject(apiError("StreamMessageExceedsMaximumErr"));
    }
    // A reply ending in `.$FI` marks a fast batch (spec §1.3 step 1), classified before any
    // Nats-Batch-Id. Flotilla refuses allow_batched at stream create/update, so every such
    // message gets nats-server's answer for a stream without it: 10205, nothing stored.
    const rawReply = msg.reply ?? "";
    if (rawReply.length > FAST_BATCH_REPLY_SUFFIX.length && rawReply.endsWith(FAST_BATCH_REPLY_SUFFIX)) {
      return res.reject(apiError("BatchPublishDisabledErr"));
    }
    const lines = new HeaderLines(msg.headers);
    const batchId = lines.valueBytes(HeaderName.BatchId);
    if (batchId !== null && batchId.length > 0) return publishAtomic(this.ctx, view, res, batchId, msg, lines);
    return publishPlain(this.ctx, view, res, msg, lines);
  }

  /**
   * onApplied is called on the leader with every apply result, in log order. It releases the
   * in-flight accounting of applied proposals and returns the answer to send, if any: the
   * PubAck of a stored message or batch, or the error of an entry apply turned into a no-op.
   */
  onApplied(result: ApplyResult): OutboundMessage | null {
    switch (result.kind) {
      case "stored":
        return this.onStored(result.stream, result.seq, result.count, result.batchId, result.reply);
      case "noop":
        if (result.reply === undefined || result.reply.length === 0) return null;
        return { subject: result.reply, data: errorResponseWire(result.stream, result.error, this.options.domain) };
      case "stream.deleted":
        this.onStreamDeleted(result.stream);
        return null;
      case "stream.updated":
        this.onStreamUpdated(result.stream);
        return null;
      case "stream.created":
      case "purged":
      case "msg.deleted":
      case "expired":
      case "replayed":
        return null;
      default:
        return assertNever(result);
    }
  }

  /** onLeadershipLost drops every batch and all in-flight state, with no advisory (spec §5.2). */
  onLeadershipLost(): void {
    this.registry.releaseAll();
    this.inflight.clear();
  }

  /** onStreamUpdated drops the stream's batches when allow_atomic was switched off. */
  onStreamUpdated(stream: string): void {
    const view = this.options.views(stream);
    if (view === undefined || view.config.allow_atomic !== true) this.registry.releaseStream(stream);
  }

  /** onStreamDeleted drops the stream's batches and in-flight tables. */
  onStreamDeleted(stream: string): void {
    this.registry.releaseStream(stream);
    this.inflight.delete(stream);
  }

  /** inflightSnapshot copies the in-flight tables of `stream` (empty tables if none). */
  inflightSnapshot(stream: string): InflightSnapshot {
    return (this.inflight.get(stream) ?? new StreamInflight()).snapshot();
  }

  /** batchesInflight counts open atomic batches: in total, or on one stream. */
  batchesInflight(stream?: string): number {
    return stream === undefined ? this.registry.inflightTotal : this.registry.inflightOn(stream);
  }

  /** openBatchIds lists the open batch ids of `stream`. */
  openBatchIds(stream: string): string[] {
    return this.registry.batchIds(stream);
  }

  private onStored(
    stream: string,
    seq: number,
    count: number,
    batchId: string | undefined,
    reply: string | undefined,
  ): OutboundMessage | null {
    this.inflight.get(stream)?.releaseThrough(seq);
    if (reply === undefined || reply.length === 0) return null;
    const domain = this.options.domain;
    const data =
      batchId !== undefined ? batchPubAck(stream, seq, batchId, count, domain) : pubAck(stream, seq, domain);
    return { subject: reply, data };
  }

  private inflightFor(stream: string, view: AppliedView): StreamInflight {
    let inflight = this.inflight.get(stream);
    if (inflight === undefined) {
      inflight = new StreamInflight();
      this.inflight.set(stream, inflight);
    }
    // A proposal whose sequences the view already holds has been applied, even if onApplied
    // has not been called yet; releasing it here keeps the counts from doubling up.
    inflight.releaseThrough(view.lastSeq);
    return inflight;
  }

  private onBatchTimeout(batch: AtomicBatch): void {
    const advisory = batchAbandonedAdvisory({
      stream: batch.stream,
      batchId: batch.id,
      reason: AbandonReason.Timeout,
      id: this.newAdvisoryId(),
      timestampNs: this.clock.nowNs(),
      domain: this.options.domain,
    });
    this.options.onTimerAdvisory?.(advisory);
  }
}
