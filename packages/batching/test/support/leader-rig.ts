/**
 * Builds a BatchingLeader with a manual clock, counted advisory ids and a recording propose,
 * so tests see every proposal, reply and advisory deterministically.
 */
import {
  BatchingLeader,
  ManualClock,
  buildHeaders,
  type AppliedView,
  type BatchLimitsConfig,
  type InboundMessage,
  type OutboundMessage,
  type ProposalInfo,
} from "@flotilla/batching";

/** Rig is a leader plus everything it was given, for assertions. */
export interface Rig {
  readonly leader: BatchingLeader;
  readonly clock: ManualClock;
  readonly proposed: { bytes: Uint8Array; info: ProposalInfo }[];
  readonly timerAdvisories: OutboundMessage[];
  /** accept decides what the next propose calls answer. */
  accept: boolean;
}

/** makeRig wires a leader over `views` with optional limits. */
export function makeRig(views: (stream: string) => AppliedView | undefined, limits?: BatchLimitsConfig): Rig {
  const clock = new ManualClock();
  let nextId = 0;
  const rig: Rig = {
    clock,
    proposed: [],
    timerAdvisories: [],
    accept: true,
    leader: undefined as unknown as BatchingLeader,
  };
  const leader = new BatchingLeader({
    views,
    propose: (bytes, info) => {
      rig.proposed.push({ bytes, info });
      return rig.accept;
    },
    clock,
    scheduler: clock,
    newAdvisoryId: () => `adv-${++nextId}`,
    onTimerAdvisory: (advisory) => rig.timerAdvisories.push(advisory),
    ...(limits !== undefined ? { limits } : {}),
  });
  (rig as { leader: BatchingLeader }).leader = leader;
  return rig;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** batchMsg builds a batch message; extra headers come after the batch headers. */
export function batchMsg(
  subject: string,
  id: string,
  seq: number | string,
  opts: { commit?: string; reply?: string; data?: string; headers?: [string, string][] } = {},
): InboundMessage {
  const pairs: [string, string][] = [
    ["Nats-Batch-Id", id],
    ["Nats-Batch-Sequence", String(seq)],
    ...(opts.commit !== undefined ? ([["Nats-Batch-Commit", opts.commit]] as [string, string][]) : []),
    ...(opts.headers ?? []),
  ];
  return {
    subject,
    headers: buildHeaders(pairs),
    data: encoder.encode(opts.data ?? ""),
    ...(opts.reply !== undefined ? { reply: opts.reply } : {}),
  };
}

/** plainMsg builds a non-batch message. */
export function plainMsg(
  subject: string,
  opts: { reply?: string; data?: string; headers?: [string, string][] } = {},
): InboundMessage {
  return {
    subject,
    headers: opts.headers !== undefined && opts.headers.length > 0 ? buildHeaders(opts.headers) : null,
    data: encoder.encode(opts.data ?? ""),
    ...(opts.reply !== undefined ? { reply: opts.reply } : {}),
  };
}

/** json decodes a reply or advisory body. */
export function json(message: OutboundMessage | undefined): unknown {
  if (message === undefined) throw new Error("no message");
  return JSON.parse(decoder.decode(message.data));
}

/** body decodes a reply or advisory body as text. */
export function body(message: OutboundMessage | undefined): string {
  if (message === undefined) throw new Error("no message");
  return decoder.decode(message.data);
}

/** errorBody is the exact error response nats-server sends for a stream. */
export function errorBody(stream: string, code: number, errCode: number, description: string): string {
  return JSON.stringify({ error: { code, err_code: errCode, description }, stream, seq: 0 });
}
