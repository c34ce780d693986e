/**
 * Assembles a PublishOutcome for one inbound message: it knows whether an answer may be sent
 * (a reply subject and no `no_ack`), the stream name and JetStream domain for the bodies.
 */
import type { JetStreamApiError } from "@flotilla/stream";
import { PublishStatus, type Proposal, type PublishOutcome } from "./outcome";
import {
  EMPTY_ACK,
  batchAbandonedAdvisory,
  duplicatePubAck,
  errorResponse,
  type AbandonReason,
  type OutboundMessage,
} from "./replies";

/** AdvisoryStamp supplies the advisory id and timestamp (injected, so tests are deterministic). */
export interface AdvisoryStamp {
  newId(): string;
  nowNs(): bigint;
}

/** Responder collects the replies and advisories of one publish. */
export class Responder {
  private readonly replies: OutboundMessage[] = [];
  private readonly advisories: OutboundMessage[] = [];

  constructor(
    readonly stream: string,
    /** reply is the client's reply subject when an answer may be sent, else undefined. */
    readonly reply: string | undefined,
    private readonly domain: string | undefined,
    private readonly stamp: AdvisoryStamp,
  ) {}

  /** reject answers `error` (if an answer may be sent). */
  reject(error: JetStreamApiError): PublishOutcome {
    if (this.reply !== undefined) {
      this.replies.push({ subject: this.reply, data: errorResponse(this.stream, error, this.domain) });
    }
    return this.finish(PublishStatus.Rejected, { error });
  }

  /** abandon publishes the batch-abandoned advisory with `reason`, then rejects with `error`. */
  abandon(batchId: string, reason: AbandonReason, error: JetStreamApiError): PublishOutcome {
    this.advisories.push(
      batchAbandonedAdvisory({
        stream: this.stream,
        batchId,
        reason,
        id: this.stamp.newId(),
        timestampNs: this.stamp.nowNs(),
        domain: this.domain,
      }),
    );
    return this.reject(error);
  }

  /** staged answers a non-commit batch message with the empty ack. */
  staged(): PublishOutcome {
    if (this.reply !== undefined) this.replies.push({ subject: this.reply, data: EMPTY_ACK });
    return this.finish(PublishStatus.Staged, {});
  }

  /** duplicate answers a plain publish whose Nats-Msg-Id is stored at `seq`. */
  duplicate(seq: number): PublishOutcome {
    if (this.reply !== undefined) {
      this.replies.push({ subject: this.reply, data: duplicatePubAck(this.stream, seq, this.domain) });
    }
    return this.finish(PublishStatus.Duplicate, {});
  }

  /** proposed reports the proposal Raft accepted (or refused); the PubAck comes on apply. */
  proposed(proposal: Proposal, accepted: boolean): PublishOutcome {
    return this.finish(accepted ? PublishStatus.Proposed : PublishStatus.ProposeRefused, { proposal });
  }

  private finish(
    status: PublishStatus,
    extra: { error?: JetStreamApiError; proposal?: Proposal },
  ): PublishOutcome {
    return { status, replies: this.replies, advisories: this.advisories, ...extra };
  }
}
