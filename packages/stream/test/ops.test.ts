import { describe, expect, it } from "vitest";
import { decodeOp, encodeOp, OpDecodeError, validateStreamConfig, type StreamOp } from "../src/index";
import { opPackr } from "../src/ops-wire";

const enc = new TextEncoder();
const config = validateStreamConfig({ name: "ORDERS", subjects: ["orders.>"], allow_atomic: true }, []);

const SAMPLES: StreamOp[] = [
  { op: "stream.create", config },
  { op: "stream.update", config: { ...config, max_msgs: 10 } },
  { op: "stream.delete", stream: "ORDERS" },
  {
    op: "msg",
    stream: "ORDERS",
    seq: 7,
    timestampNs: 1_764_000_000_123_456_789n,
    subject: "orders.new",
    headers: enc.encode("NATS/1.0\r\nNats-Msg-Id: a\r\n\r\n"),
    data: enc.encode("hello"),
    msgId: "a",
    ttlNs: 5_000_000_000n,
    rollup: "sub",
    reply: "_INBOX.1",
  },
  { op: "msg", stream: "ORDERS", seq: 2 ** 40, timestampNs: 1n, subject: "orders.x", headers: null, data: new Uint8Array() },
  { op: "msg", stream: "ORDERS", seq: 3, timestampNs: 1n, subject: "orders.x", headers: null, data: new Uint8Array([0]), ttlNs: -1n },
  {
    op: "batch",
    stream: "ORDERS",
    batchId: "b1",
    firstSeq: 10,
    timestampNs: 99n,
    reply: "_INBOX.2",
    msgs: [
      { subject: "orders.a", headers: null, data: enc.encode("1") },
      { subject: "orders.b", headers: enc.encode("NATS/1.0\r\nNats-Batch-Commit: 1\r\n\r\n"), data: enc.encode("2"), msgId: "m2", rollup: "all" },
    ],
  },
  { op: "purge", stream: "ORDERS" },
  { op: "purge", stream: "ORDERS", filter: "orders.*", seq: 5, keep: 2 },
  { op: "msg.delete", stream: "ORDERS", seq: 4 },
  { op: "expire", stream: "ORDERS", nowNs: 123_456_789_000_000_000n },
];

function withBody(body: unknown): Uint8Array {
  const packed: Uint8Array = opPackr.pack(body);
  return new Uint8Array([1, ...packed]);
}

describe("op codec", () => {
  it.each(SAMPLES.map((op) => [op.op, op] as const))("round-trips %s exactly", (_kind, op) => {
    const bytes = encodeOp(op);
    expect(bytes[0]).toBe(1);
    expect(decodeOp(bytes)).toEqual(op);
    expect(encodeOp(decodeOp(bytes))).toEqual(bytes);
  });

  it.each([
    [new Uint8Array([]), "decodeOp: header: too short (0 bytes)"],
    [new Uint8Array([2, 0x90]), "decodeOp: header: unknown codec version 2"],
    [new Uint8Array([1, 0x92, 0x01]), "decodeOp: body: not valid msgpack"],
    [withBody([]), "decodeOp: body: expected a non-empty array"],
    [withBody([42]), "decodeOp: kind: unknown op code 42"],
    [withBody([3]), "decodeOp: stream.delete: expected 2 elements, got 1"],
    [withBody([3, ""]), "decodeOp: stream.delete.stream: empty stream name"],
    [withBody([7, "S", 0]), "decodeOp: msg.delete.seq: expected an integer >= 1, got 0"],
    [withBody([8, "S", 5]), "decodeOp: expire.nowNs: expected a bigint, got number"],
    [withBody([4, "S", 1, 1n, null, "a.*", null, new Uint8Array(), null, null, null]), 'decodeOp: msg.subject: invalid subject "a.*"'],
    [withBody([4, "S", 1, 1n, null, "a", null, new Uint8Array(), null, 0n, null]), "decodeOp: msg.ttlNs: expected > 0 or -1, got 0"],
    [withBody([4, "S", 1, 1n, null, "a", null, new Uint8Array(), null, null, "most"]), "decodeOp: msg.rollup: unknown rollup most"],
    [withBody([4, "S", 1, 1n, null, "a", null, "text", null, null, null]), "decodeOp: msg.data: expected bytes"],
    [withBody([5, "S", "b", 1, 1n, null, []]), "decodeOp: batch.msgs: bad count 0"],
    [withBody([5, "S", "b", 1, 1n, null, [["a"]]]), "decodeOp: batch.msgs[0]: expected a 6-element array"],
    [withBody([1, "{"]), "decodeOp: stream.create.config: invalid JSON"],
    [withBody([1, '{"name":"S","subjects":["a..b"]}']), "decodeOp: stream.create.config: bad subjects"],
    [withBody([6, "S", "a..b", null, null]), 'decodeOp: purge.filter: invalid filter "a..b"'],
  ])("refuses malformed bytes precisely (%#)", (bytes, message) => {
    expect(() => decodeOp(bytes)).toThrow(OpDecodeError);
    expect(() => decodeOp(bytes)).toThrow(message);
  });
});
