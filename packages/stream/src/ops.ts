/**
 * ops.ts: the replicated operations of the stream state machine and their binary codec.
 *
 * An op is decided completely by the leader (sequences, timestamps, TTLs, the bytes to store),
 * so applying it on any replica is deterministic. Encoding: one version byte
 * (OP_CODEC_VERSION), then a msgpack array whose first element is the op's numeric kind.
 * Nanosecond times are bigints (msgpack int64). `decodeOp` checks every field and throws an
 * OpDecodeError naming the first one that is wrong.
 */
import type { StreamConfig } from "./config-types";
import { assertNever } from "./assert";
import { OP_CODEC_VERSION } from "./limits";
import { KIND_CODES, opPackr } from "./ops-wire";
import type { Nanos, Seq } from "./units";

/** OpKind names every replicated operation. */
export const OpKind = {
  StreamCreate: "stream.create",
  StreamUpdate: "stream.update",
  StreamDelete: "stream.delete",
  Msg: "msg",
  Batch: "batch",
  Purge: "purge",
  MsgDelete: "msg.delete",
  Expire: "expire",
} as const;
/** OpKindValue is one value of `OpKind`. */
export type OpKindValue = (typeof OpKind)[keyof typeof OpKind];

/** Rollup is the value of a `Nats-Rollup` header the leader accepted. */
export const Rollup = { Sub: "sub", All: "all" } as const;
/** RollupValue is one value of `Rollup`. */
export type RollupValue = (typeof Rollup)[keyof typeof Rollup];

/** TTL_NEVER_NS is the `ttlNs` of a message whose `Nats-TTL` is `never`: it never expires. */
export const TTL_NEVER_NS: Nanos = -1n;

/** StreamCreateOp creates a stream with a validated configuration. */
export interface StreamCreateOp {
  op: "stream.create";
  config: StreamConfig;
}
/** StreamUpdateOp replaces a stream's configuration with a validated one. */
export interface StreamUpdateOp {
  op: "stream.update";
  config: StreamConfig;
}
/** StreamDeleteOp deletes a stream and all its messages. */
export interface StreamDeleteOp {
  op: "stream.delete";
  stream: string;
}

/** MsgFields are the parts of one message the leader decided, shared by msg and batch ops. */
export interface MsgFields {
  subject: string;
  /** headers are the exact header bytes to store (`NATS/1.0\r\n...`), or null for none. */
  headers: Uint8Array | null;
  data: Uint8Array;
  msgId?: string;
  /** ttlNs: per-message TTL; absent = none, TTL_NEVER_NS = never expires (not even by max_age). */
  ttlNs?: Nanos;
  rollup?: RollupValue;
}

/** MsgOp stores one message at `seq` (which must be the stream's last sequence + 1). */
export interface MsgOp extends MsgFields {
  op: "msg";
  stream: string;
  seq: Seq;
  timestampNs: Nanos;
  reply?: string;
}

/** BatchMsg is one message of an atomic batch; message k gets sequence firstSeq + k. */
export type BatchMsg = MsgFields;

/** BatchOp stores a whole atomic batch at once; every message shares `timestampNs`. */
export interface BatchOp {
  op: "batch";
  stream: string;
  batchId: string;
  firstSeq: Seq;
  timestampNs: Nanos;
  reply?: string;
  msgs: BatchMsg[];
}

/**
 * PurgeOp purges messages with nats-server's semantics: no filter, seq and keep: everything;
 * `seq`: every message below seq; `keep`: all but the newest `keep`; `filter` restricts all of
 * these to matching subjects.
 */
export interface PurgeOp {
  op: "purge";
  stream: string;
  filter?: string;
  seq?: Seq;
  keep?: number;
}

/** MsgDeleteOp removes one message. */
export interface MsgDeleteOp {
  op: "msg.delete";
  stream: string;
  seq: Seq;
}

/** ExpireOp applies max_age, per-message TTLs and dedupe-window pruning at the leader's time. */
export interface ExpireOp {
  op: "expire";
  stream: string;
  nowNs: Nanos;
}

/** StreamOp is any replicated stream-state-machine operation. */
export type StreamOp =
  | StreamCreateOp
  | StreamUpdateOp
  | StreamDeleteOp
  | MsgOp
  | BatchOp
  | PurgeOp
  | MsgDeleteOp
  | ExpireOp;

type Wire = unknown[];

function msgFieldsToWire(m: MsgFields): Wire {
  return [m.subject, m.headers, m.data, m.msgId ?? null, m.ttlNs ?? null, m.rollup ?? null];
}

function opToWire(op: StreamOp): Wire {
  const code = KIND_CODES[op.op];
  switch (op.op) {
    case "stream.create":
    case "stream.update":
      return [code, JSON.stringify(op.config)];
    case "stream.delete":
      return [code, op.stream];
    case "msg":
      return [code, op.stream, op.seq, op.timestampNs, op.reply ?? null, ...msgFieldsToWire(op)];
    case "batch":
      return [
        code,
        op.stream,
        op.batchId,
        op.firstSeq,
        op.timestampNs,
        op.reply ?? null,
        op.msgs.map(msgFieldsToWire),
      ];
    case "purge":
      return [code, op.stream, op.filter ?? null, op.seq ?? null, op.keep ?? null];
    case "msg.delete":
      return [code, op.stream, op.seq];
    case "expire":
      return [code, op.stream, op.nowNs];
    default:
      return assertNever(op);
  }
}

/** encodeOp encodes `op` as a version byte followed by its msgpack array. */
export function encodeOp(op: StreamOp): Uint8Array {
  const body: Uint8Array = opPackr.pack(opToWire(op));
  const out = new Uint8Array(body.length + 1);
  out[0] = OP_CODEC_VERSION;
  out.set(body, 1);
  return out;
}

export { decodeOp } from "./ops-decode";
export { OpDecodeError } from "./ops-wire";
