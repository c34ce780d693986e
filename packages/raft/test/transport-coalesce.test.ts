/** Superseded messages: which queued message a later one to the same peer makes redundant, and the transport leaving it out. */
import { Socket } from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { AppendMessage, AppendResponse, Message } from "../src/core/messages";
import { EntryKind } from "../src/core/types";
import type { TcpTransport } from "../src/internal";
import { OUTBOUND_BUFFERED_BYTES_MAX, SUPERSEDABLE_FRAME_BYTES_MAX } from "../src/transport/limits";
import { supersededBy } from "../src/transport/coalesce";
import { FrameKind, encodeEnvelopeFrame, frameBytes } from "../src/transport/wire";
import { capturingLogger } from "./helpers";
import { heartbeat, sendUntilDelivered, transportCluster, waitFor, type Received } from "./transport-helpers";

function append(over: Partial<AppendMessage> = {}): AppendMessage {
  return { type: "append", from: "n1", to: "n2", term: 3, prevIndex: 10, prevTerm: 3, entries: [], commit: 8, ...over };
}
const entry = { term: 3, index: 11, kind: EntryKind.Normal, data: Buffer.of(1, 2) };

function ack(over: Partial<AppendResponse> = {}): AppendResponse {
  return { type: "appendResponse", from: "n2", to: "n1", term: 3, reject: false, index: 10, rejectHint: null, ...over };
}

describe("supersededBy", () => {
  const cases: Array<[string, Message, Message, boolean]> = [
    ["a commit-only append by one with entries at the same position and a higher commit", append(), append({ entries: [entry], commit: 10 }), true],
    ["a commit-only append by one with the same commit", append(), append({ entries: [entry] }), true],
    ["a commit-only append by a later commit-only append", append(), append({ commit: 9 }), true],
    ["not an append by one with a lower commit", append(), append({ entries: [entry], commit: 7 }), false],
    ["not an append by one at another position", append(), append({ prevIndex: 9, entries: [{ ...entry, index: 10 }], commit: 9 }), false],
    ["not an append by one after another prevTerm", append(), append({ prevTerm: 2, entries: [entry], commit: 9 }), false],
    ["not an append by one of another term", append(), append({ term: 4, prevTerm: 3, entries: [entry], commit: 9 }), false],
    ["not an append that carries entries", append({ entries: [entry] }), append({ prevIndex: 11, entries: [], commit: 11 }), false],
    ["not an append by a heartbeat", append(), { ...heartbeat("n1", "n2", 9), term: 3 }, false],
    ["an acknowledgement by a later one of as much", ack(), ack(), true],
    ["an acknowledgement by a later one of more", ack(), ack({ index: 110 }), true],
    ["not an acknowledgement by a later one of less", ack({ index: 110 }), ack(), false],
    ["not an acknowledgement by a rejection", ack(), ack({ reject: true, index: 12, rejectHint: { index: 10, term: 3 } }), false],
    ["not a rejection by an acknowledgement", ack({ reject: true, index: 12, rejectHint: { index: 10, term: 3 } }), ack({ index: 12 }), false],
    ["not an acknowledgement by one of another term", ack(), ack({ term: 4, index: 11 }), false],
  ];
  it.each(cases)("%s", (_name, earlier, later, expected) => {
    expect(supersededBy(earlier, later)).toBe(expected);
  });
});

describe("SUPERSEDABLE_FRAME_BYTES_MAX", () => {
  it("holds the largest commit-only append and successful acknowledgement (ids of 256 bytes, integers at their maximum)", () => {
    const largest = { from: "a".repeat(256), to: "b".repeat(256), term: Number.MAX_SAFE_INTEGER };
    const at = Number.MAX_SAFE_INTEGER;
    const frames = [append({ ...largest, prevIndex: at, prevTerm: at, commit: at }), ack({ ...largest, index: at })]
      .map((msg) => frameBytes(encodeEnvelopeFrame({ k: FrameKind.Raft, msg })));
    expect(frames).toEqual([635, 612]);
    expect(Math.max(...frames)).toBeLessThanOrEqual(SUPERSEDABLE_FRAME_BYTES_MAX);
  });
});

describe("transport - superseded messages", () => {
  let running: TcpTransport[] = [];
  afterEach(async () => {
    await Promise.all(running.map((t) => t.stop()));
    running = [];
  });

  /**
   * connectedPair starts n1 and n2 and waits until n1's link to n2 carries a first heartbeat
   * (commit 0, resent until it arrives, so it may arrive twice); `received` lists the rest.
   */
  async function connectedPair(): Promise<{ n1: TcpTransport; received: () => Received[] }> {
    const { logger } = capturingLogger();
    const all: Received[] = [];
    const transports = await transportCluster(["n1", "n2"], logger, all);
    running = [...transports.values()];
    const n1 = transports.get("n1")!;
    await sendUntilDelivered(n1, heartbeat("n1", "n2", 0), all);
    const warmUp = (r: Received): boolean => r.envelope.msg.type === "heartbeat" && r.envelope.msg.commit === 0;
    return { n1, received: () => all.filter((r) => !warmUp(r)) };
  }

  it("a commit-only append followed in the same tick by the next entries is left out; alone it is sent", async () => {
    const { n1, received } = await connectedPair();
    const withEntries = append({ entries: [entry], commit: 10 });
    for (const msg of [append(), withEntries, heartbeat("n1", "n2", 1)]) expect(n1.send("n2", { k: FrameKind.Raft, msg })).toBe(true);
    await waitFor(() => received().length === 2, "the tick's heartbeat");
    expect(received().map((r) => r.envelope.msg)).toEqual([withEntries, heartbeat("n1", "n2", 1)]);
    expect(n1.send("n2", { k: FrameKind.Raft, msg: append({ commit: 11, prevIndex: 11 }) })).toBe(true);
    await waitFor(() => received().length === 3, "the lone commit-only append");
    expect(received()[2]!.envelope.msg).toEqual(append({ commit: 11, prevIndex: 11 }));
  });

  it("flush writes what was sent at once, in one write, instead of at the end of the tick", async () => {
    const { n1, received } = await connectedPair();
    const writes = vi.spyOn(Socket.prototype as unknown as Record<"_writev", (...args: unknown[]) => unknown>, "_writev");
    try {
      expect(n1.send("n2", { k: FrameKind.Raft, msg: heartbeat("n1", "n2", 1) })).toBe(true);
      expect(n1.send("n2", { k: FrameKind.Raft, msg: heartbeat("n1", "n2", 2) })).toBe(true);
      expect(writes).not.toHaveBeenCalled();
      n1.flush();
      expect(writes).toHaveBeenCalledTimes(1);
      expect((writes.mock.calls[0]![0] as unknown[]).length).toBe(2);
      await waitFor(() => received().length === 2, "both heartbeats");
      expect(received().map((r) => r.envelope.msg)).toEqual([heartbeat("n1", "n2", 1), heartbeat("n1", "n2", 2)]);
      expect(writes).toHaveBeenCalledTimes(1);
    } finally {
      writes.mockRestore();
    }
  });

  it("frames queued in the tick count toward the per-peer buffer bound: beyond it a send is refused", async () => {
    const { n1 } = await connectedPair();
    // One 50 MiB entry: every Append carries the same entries, so the wire blob is encoded once.
    const big = { term: 3, index: 11, kind: EntryKind.Normal, data: new Uint8Array(50 * 1024 * 1024) };
    const withBig = append({ entries: [big], commit: 10 });
    const sent = Array.from({ length: 7 }, () => n1.send("n2", { k: FrameKind.Raft, msg: withBig }));
    // Stop before the tick ends, so nothing is written.
    await n1.stop();
    const framesWithin = Math.floor(OUTBOUND_BUFFERED_BYTES_MAX / (50 * 1024 * 1024)) + 1;
    expect(framesWithin).toBe(6);
    expect(sent).toEqual([true, true, true, true, true, true, false]);
  });

  it("a message that may be superseded is encoded at the flush and counts SUPERSEDABLE_FRAME_BYTES_MAX until then", async () => {
    const { n1 } = await connectedPair();
    const big = { term: 3, index: 11, kind: EntryKind.Normal, data: new Uint8Array(50 * 1024 * 1024) };
    const withBig = append({ entries: [big], commit: 10 });
    const bigFrameBytes = frameBytes(encodeEnvelopeFrame({ k: FrameKind.Raft, msg: withBig }));
    for (let i = 0; i < 5; i++) expect(n1.send("n2", { k: FrameKind.Raft, msg: withBig })).toBe(true);
    // A send is refused once what is queued exceeds the bound; each commit-only append counts in full.
    const accepted = Math.floor((OUTBOUND_BUFFERED_BYTES_MAX - 5 * bigFrameBytes) / SUPERSEDABLE_FRAME_BYTES_MAX) + 1;
    expect(accepted).toBe(6144);
    const sent = Array.from({ length: accepted + 1 }, (_, i) => n1.send("n2", { k: FrameKind.Raft, msg: append({ commit: 10 + i }) }));
    await n1.stop();
    expect(sent.indexOf(false)).toBe(accepted);
  });
});
