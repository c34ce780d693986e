/**
 * ops-decode.ts: decodes and checks op bytes produced by `encodeOp`. Every field is checked
 * for type and bounds; the first wrong one is named in an OpDecodeError.
 */
import type { StreamConfig } from "./config-types";
import { isValidPublishSubject, isValidSubject } from "./subjects";
import {
  BATCH_MSGS_MAX_HARD,
  MESSAGE_BYTES_MAX,
  MSG_ID_BYTES_MAX,
  OP_CODEC_VERSION,
  SUBJECT_BYTES_MAX,
} from "./limits";
import type { BatchMsg, BatchOp, MsgFields, MsgOp, OpKindValue, RollupValue, StreamOp } from "./ops";
import { CODE_KINDS, OpDecodeError, opPackr } from "./ops-wire";

type Wire = readonly unknown[];

function fail(where: string, what: string): never {
  throw new OpDecodeError(`decodeOp: ${where}: ${what}`);
}

function str(wire: Wire, index: number, where: string): string {
  const value = wire[index];
  if (typeof value !== "string") fail(where, `expected a string, got ${typeof value}`);
  return value;
}

function optStr(wire: Wire, index: number, where: string): string | undefined {
  return wire[index] === null ? undefined : str(wire, index, where);
}

function int(wire: Wire, index: number, where: string, min: number): number {
  const value = wire[index];
  const n = typeof value === "bigint" && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
  if (typeof n !== "number" || !Number.isSafeInteger(n)) fail(where, "expected a safe integer");
  if (n < min) fail(where, `expected an integer >= ${min}, got ${n}`);
  return n;
}

function nanos(wire: Wire, index: number, where: string): bigint {
  const value = wire[index];
  if (typeof value !== "bigint") fail(where, `expected a bigint, got ${typeof value}`);
  return value;
}

function bytes(wire: Wire, index: number, where: string): Uint8Array {
  const value = wire[index];
  if (!(value instanceof Uint8Array)) fail(where, "expected bytes");
  // A plain view, not a Buffer, so decoded ops compare equal to the ops that were encoded.
  return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
}

function streamName(wire: Wire, index: number, where: string): string {
  const name = str(wire, index, where);
  if (name.length === 0) fail(where, "empty stream name");
  return name;
}

function msgFields(wire: Wire, offset: number, where: string): MsgFields {
  const subject = str(wire, offset, `${where}.subject`);
  if (!isValidPublishSubject(subject)) fail(`${where}.subject`, `invalid subject ${JSON.stringify(subject)}`);
  if (subject.length > SUBJECT_BYTES_MAX) fail(`${where}.subject`, "subject too long");
  const headers = wire[offset + 1] === null ? null : bytes(wire, offset + 1, `${where}.headers`);
  const data = bytes(wire, offset + 2, `${where}.data`);
  const size = subject.length + (headers?.length ?? 0) + data.length;
  if (size > MESSAGE_BYTES_MAX) fail(where, `message of ${size} bytes exceeds ${MESSAGE_BYTES_MAX}`);
  const fields: MsgFields = { subject, headers, data };
  const msgId = optStr(wire, offset + 3, `${where}.msgId`);
  if (msgId !== undefined) {
    if (msgId.length === 0 || msgId.length > MSG_ID_BYTES_MAX) fail(`${where}.msgId`, "bad length");
    fields.msgId = msgId;
  }
  if (wire[offset + 4] !== null) {
    const ttlNs = nanos(wire, offset + 4, `${where}.ttlNs`);
    if (ttlNs <= 0n && ttlNs !== -1n) fail(`${where}.ttlNs`, `expected > 0 or -1, got ${ttlNs}`);
    fields.ttlNs = ttlNs;
  }
  const rollup = optStr(wire, offset + 5, `${where}.rollup`);
  if (rollup !== undefined) {
    if (rollup !== "sub" && rollup !== "all") fail(`${where}.rollup`, `unknown rollup ${rollup}`);
    fields.rollup = rollup as RollupValue;
  }
  return fields;
}

function config(wire: Wire, where: string): StreamConfig {
  const text = str(wire, 1, `${where}.config`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new OpDecodeError(`decodeOp: ${where}.config: invalid JSON`, { cause: err });
  }
  const cfg = parsed as Partial<StreamConfig> | null;
  if (cfg === null || typeof cfg !== "object" || typeof cfg.name !== "string" || cfg.name === "") {
    fail(`${where}.config`, "missing name");
  }
  const subjects: unknown = cfg.subjects;
  if (!Array.isArray(subjects) || !subjects.every((s) => typeof s === "string" && isValidSubject(s))) {
    fail(`${where}.config`, "bad subjects");
  }
  return cfg as StreamConfig;
}

function batchMsgs(wire: Wire, where: string): BatchMsg[] {
  const list = wire[6];
  if (!Array.isArray(list)) fail(`${where}.msgs`, "expected an array");
  if (list.length === 0 || list.length > BATCH_MSGS_MAX_HARD) {
    fail(`${where}.msgs`, `bad count ${list.length}`);
  }
  return list.map((item: unknown, k: number) => {
    if (!Array.isArray(item) || item.length !== 6) fail(`${where}.msgs[${k}]`, "expected a 6-element array");
    return msgFields(item, 0, `${where}.msgs[${k}]`);
  });
}

const ARITY: Record<OpKindValue, number> = {
  "stream.create": 2,
  "stream.update": 2,
  "stream.delete": 2,
  msg: 11,
  batch: 7,
  purge: 5,
  "msg.delete": 3,
  expire: 3,
};

function msgOp(wire: Wire): MsgOp {
  const op: MsgOp = {
    op: "msg",
    stream: streamName(wire, 1, "msg.stream"),
    seq: int(wire, 2, "msg.seq", 1),
    timestampNs: nanos(wire, 3, "msg.timestampNs"),
    ...msgFields(wire, 5, "msg"),
  };
  const reply = optStr(wire, 4, "msg.reply");
  if (reply !== undefined) op.reply = reply;
  return op;
}

function batchOp(wire: Wire): BatchOp {
  const op: BatchOp = {
    op: "batch",
    stream: streamName(wire, 1, "batch.stream"),
    batchId: str(wire, 2, "batch.batchId"),
    firstSeq: int(wire, 3, "batch.firstSeq", 1),
    timestampNs: nanos(wire, 4, "batch.timestampNs"),
    msgs: batchMsgs(wire, "batch"),
  };
  const reply = optStr(wire, 5, "batch.reply");
  if (reply !== undefined) op.reply = reply;
  return op;
}

function wireToOp(wire: Wire): StreamOp {
  const kind = CODE_KINDS.get(wire[0] as number);
  if (kind === undefined) fail("kind", `unknown op code ${String(wire[0])}`);
  const arity = ARITY[kind];
  if (wire.length !== arity) fail(kind, `expected ${arity} elements, got ${wire.length}`);
  switch (kind) {
    case "stream.create":
    case "stream.update":
      return { op: kind, config: config(wire, kind) };
    case "stream.delete":
      return { op: kind, stream: streamName(wire, 1, `${kind}.stream`) };
    case "msg":
      return msgOp(wire);
    case "batch":
      return batchOp(wire);
    case "purge":
      return purgeOp(wire);
    case "msg.delete":
      return {
        op: kind,
        stream: streamName(wire, 1, "msg.delete.stream"),
        seq: int(wire, 2, "msg.delete.seq", 1),
      };
    case "expire":
      return {
        op: kind,
        stream: streamName(wire, 1, "expire.stream"),
        nowNs: nanos(wire, 2, "expire.nowNs"),
      };
  }
}

function purgeOp(wire: Wire): StreamOp {
  const op: StreamOp = { op: "purge", stream: streamName(wire, 1, "purge.stream") };
  const filter = optStr(wire, 2, "purge.filter");
  if (filter !== undefined) {
    if (!isValidSubject(filter)) fail("purge.filter", `invalid filter ${JSON.stringify(filter)}`);
    op.filter = filter;
  }
  if (wire[3] !== null) op.seq = int(wire, 3, "purge.seq", 1);
  if (wire[4] !== null) op.keep = int(wire, 4, "purge.keep", 1);
  return op;
}

/** decodeOp decodes op bytes, throwing OpDecodeError that names the first malformed field. */
export function decodeOp(encoded: Uint8Array): StreamOp {
  if (encoded.length < 2) fail("header", `too short (${encoded.length} bytes)`);
  if (encoded[0] !== OP_CODEC_VERSION) fail("header", `unknown codec version ${encoded[0]}`);
  let wire: unknown;
  try {
    wire = opPackr.unpack(encoded.subarray(1));
  } catch (err) {
    throw new OpDecodeError("decodeOp: body: not valid msgpack", { cause: err });
  }
  if (!Array.isArray(wire) || wire.length === 0) fail("body", "expected a non-empty array");
  return wireToOp(wire);
}
