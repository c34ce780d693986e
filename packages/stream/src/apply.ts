/**
 * apply.ts: the deterministic transition function of the stream state machine. `applyOp`
 * mutates the in-memory streams and returns the Level ops that make the same change durable;
 * the store writes those ops as ONE batch together with the applied Raft index.
 *
 * Apply never refuses what an entry says: the leader checked it. It reads no clock: "now" is
 * the entry's timestampNs (msg, batch) or nowNs (expire). Broken invariants (a sequence that
 * is not last + 1) are assertion failures. Ops for a stream that no longer exists (a race with
 * stream.delete) and conflicting admin ops are answered with a `noop` result, the same on
 * every replica.
 */
import { assert, assertNever, fail } from "./assert";
import { apiError, type ApiErrorName, type ApiErrorWire } from "./errors";
import { overlapsOtherStream } from "./config";
import type { StreamConfig } from "./config-types";
import { streamConfigsEqual } from "./config-update";
import type { LevelOp, MessageReader } from "./level-types";
import type { BatchOp, MsgFields, MsgOp, OpKindValue, StreamOp } from "./ops";
import {
  enforceAllSubjectLimits,
  enforceStreamLimits,
  enforceSubjectLimit,
  expireAt,
  purge,
  removeAll,
  removeSubject,
} from "./retention";
import { StreamMemory, type NewMessage } from "./stream-memory";
import type { LogIndex, Nanos, Seq } from "./units";

/** ApplyResult tells the caller what an applied entry did (what to acknowledge). */
export type ApplyResult =
  | {
      kind: "stored";
      stream: string;
      /** seq is the last stored sequence; the entry stored firstSeq..seq. */
      seq: Seq;
      firstSeq: Seq;
      count: number;
      batchId?: string;
      reply?: string;
      /** removed counts messages dropped by expiry, rollup and limits while storing. */
      removed: number;
    }
  | { kind: "purged"; stream: string; purged: number }
  | { kind: "msg.deleted"; stream: string; seq: Seq; found: boolean }
  | { kind: "expired"; stream: string; removed: number }
  | { kind: "stream.created"; stream: string; config: StreamConfig; existed: boolean }
  | { kind: "stream.updated"; stream: string; config: StreamConfig; removed: number }
  | { kind: "stream.deleted"; stream: string }
  | { kind: "noop"; op: OpKindValue; stream: string; error: ApiErrorWire; reply?: string }
  | { kind: "replayed"; raftIndex: LogIndex };

/** ApplyContext is what one apply needs: the streams and the batch being built. */
export interface ApplyContext {
  streams: Map<string, StreamMemory>;
  reader: MessageReader;
  ops: LevelOp[];
}

function noop(op: OpKindValue, stream: string, name: ApiErrorName, reply?: string): ApplyResult {
  const result: ApplyResult = { kind: "noop", op, stream, error: apiError(name).toWire() };
  if (reply !== undefined) result.reply = reply;
  return result;
}

function ttlDeadline(timestampNs: Nanos, ttlNs: Nanos | undefined): Nanos {
  if (ttlNs === undefined) return 0n;
  if (ttlNs === -1n) return -1n;
  if (!(ttlNs > 0n)) fail(`ttlNs ${ttlNs} must be positive or -1`);
  return timestampNs + ttlNs;
}

/** storeOne applies rollup, stores the message, remembers its id and applies the limits. */
function storeOne(
  stream: StreamMemory,
  ops: LevelOp[],
  fields: MsgFields,
  seq: Seq,
  timestampNs: Nanos,
): number {
  let removed = 0;
  if (fields.rollup === "all") removed += removeAll(stream, ops);
  else if (fields.rollup === "sub") removed += removeSubject(stream, ops, fields.subject);
  const ttlDeadlineNs = ttlDeadline(timestampNs, fields.ttlNs);
  const { subject, headers, data } = fields;
  const msg: NewMessage = { seq, timestampNs, subject, headers, data, ttlDeadlineNs };
  if (fields.msgId !== undefined) msg.msgId = fields.msgId;
  stream.storeMessage(ops, msg);
  if (fields.msgId !== undefined) stream.addDedupe(ops, fields.msgId, seq, timestampNs);
  removed += enforceSubjectLimit(stream, ops, subject);
  removed += enforceStreamLimits(stream, ops);
  return removed;
}

type StoredResult = Extract<ApplyResult, { kind: "stored" }>;

/** FIRST_SEQ_FIELD names the op field that carries the first sequence, for assertion texts. */
const FIRST_SEQ_FIELD = { msg: "seq", batch: "firstSeq" } as const;

/**
 * storeEntry stores the messages of one msg or batch entry at firstSeq.. with the entry's time:
 * expiry first, then each message with its rollup and limits, then the sequence state.
 */
function storeEntry(
  ctx: ApplyContext,
  stream: StreamMemory,
  kind: "msg" | "batch",
  firstSeq: Seq,
  timestampNs: Nanos,
  msgs: readonly MsgFields[],
): StoredResult {
  const name = stream.config.name;
  if (firstSeq !== stream.lastSeq + 1) {
    fail(`${kind} ${name}: ${FIRST_SEQ_FIELD[kind]} ${firstSeq} is not last ${stream.lastSeq} + 1`);
  }
  let removed = expireAt(stream, ctx.ops, timestampNs);
  msgs.forEach((fields, k) => {
    removed += storeOne(stream, ctx.ops, fields, firstSeq + k, timestampNs);
  });
  ctx.ops.push(stream.seqStateOp());
  const lastSeq = firstSeq + msgs.length - 1;
  if (stream.lastSeq !== lastSeq) fail(`${kind}: last sequence after apply`);
  return { kind: "stored", stream: name, seq: lastSeq, firstSeq, count: msgs.length, removed };
}

function applyMsg(ctx: ApplyContext, op: MsgOp): ApplyResult {
  const stream = ctx.streams.get(op.stream);
  if (stream === undefined) return noop(op.op, op.stream, "StreamNotFoundErr", op.reply);
  const result = storeEntry(ctx, stream, "msg", op.seq, op.timestampNs, [op]);
  if (op.reply !== undefined) result.reply = op.reply;
  return result;
}

function applyBatch(ctx: ApplyContext, op: BatchOp): ApplyResult {
  const stream = ctx.streams.get(op.stream);
  if (stream === undefined) return noop(op.op, op.stream, "StreamNotFoundErr", op.reply);
  if (op.msgs.length === 0) fail(`batch ${op.batchId}: no messages`);
  const { removed, ...stored } = storeEntry(ctx, stream, "batch", op.firstSeq, op.timestampNs, op.msgs);
  // batchId goes before removed: results are printed in field order (scenario transcripts).
  const result: StoredResult = { ...stored, batchId: op.batchId, removed };
  if (op.reply !== undefined) result.reply = op.reply;
  return result;
}

function overlapsOthers(ctx: ApplyContext, config: StreamConfig): boolean {
  return overlapsOtherStream(config, Array.from(ctx.streams.values(), (stream) => stream.config));
}

function applyCreate(ctx: ApplyContext, config: StreamConfig): ApplyResult {
  const existing = ctx.streams.get(config.name);
  if (existing !== undefined) {
    if (streamConfigsEqual(existing.config, config)) {
      return { kind: "stream.created", stream: config.name, config: existing.config, existed: true };
    }
    return noop("stream.create", config.name, "StreamNameExistErr");
  }
  if (overlapsOthers(ctx, config)) return noop("stream.create", config.name, "StreamSubjectOverlapErr");
  const stream = new StreamMemory(config, ctx.reader);
  ctx.streams.set(config.name, stream);
  ctx.ops.push(stream.configOp(), stream.seqStateOp());
  return { kind: "stream.created", stream: config.name, config, existed: false };
}

function applyUpdate(ctx: ApplyContext, config: StreamConfig): ApplyResult {
  const stream = ctx.streams.get(config.name);
  if (stream === undefined) return noop("stream.update", config.name, "StreamNotFoundErr");
  if (overlapsOthers(ctx, config)) return noop("stream.update", config.name, "StreamSubjectOverlapErr");
  stream.config = config;
  ctx.ops.push(stream.configOp());
  const removed = enforceAllSubjectLimits(stream, ctx.ops) + enforceStreamLimits(stream, ctx.ops);
  ctx.ops.push(stream.seqStateOp());
  return { kind: "stream.updated", stream: config.name, config, removed };
}

function withStream(
  ctx: ApplyContext,
  op: StreamOp & { stream: string },
  then: (s: StreamMemory) => ApplyResult,
): ApplyResult {
  const stream = ctx.streams.get(op.stream);
  if (stream === undefined) return noop(op.op, op.stream, "StreamNotFoundErr");
  const result = then(stream);
  if (ctx.streams.has(op.stream)) ctx.ops.push(stream.seqStateOp());
  return result;
}

/** applyOp applies one op to memory and collects its Level ops into `ctx.ops`. */
export function applyOp(ctx: ApplyContext, op: StreamOp): ApplyResult {
  switch (op.op) {
    case "msg":
      return applyMsg(ctx, op);
    case "batch":
      return applyBatch(ctx, op);
    case "stream.create":
      return applyCreate(ctx, op.config);
    case "stream.update":
      return applyUpdate(ctx, op.config);
    case "stream.delete":
      return withStream(ctx, op, (stream) => {
        ctx.ops.push(...stream.deleteAllOps());
        ctx.streams.delete(op.stream);
        return { kind: "stream.deleted", stream: op.stream };
      });
    case "purge":
      return withStream(ctx, op, (stream) => ({
        kind: "purged",
        stream: op.stream,
        purged: purge(stream, ctx.ops, op),
      }));
    case "msg.delete":
      return withStream(ctx, op, (stream) => ({
        kind: "msg.deleted",
        stream: op.stream,
        seq: op.seq,
        found: stream.removeMessage(ctx.ops, op.seq),
      }));
    case "expire":
      return withStream(ctx, op, (stream) => ({
        kind: "expired",
        stream: op.stream,
        removed: expireAt(stream, ctx.ops, op.nowNs),
      }));
    default:
      return assertNever(op);
  }
}
