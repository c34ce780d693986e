/** Wire form of an Append's entries: exact bytes, round trip, the shared blob, refusals. */
import { describe, expect, it } from "vitest";
import { EntryKind, type Entry } from "../src/core/types";
import { MessageType, type AppendMessage } from "../src/core/messages";
import { decodeEntries, encodeEntries } from "../src/transport/entries-codec";
import { FrameDecoder, encodeFrame } from "../src/transport/framing";
import { FrameKind, encodeEnvelopeFrame, parseEnvelope, wireBody } from "../src/transport/wire";

function entry(index: number, term: number, data: number[], kind: EntryKind = EntryKind.Normal): Entry {
  return { index, term, kind, data: Uint8Array.from(data) };
}

/** plain compares entries by value whatever typed-array class carries the data (Buffer views here). */
function plain(entries: readonly Entry[] | string): unknown {
  return typeof entries === "string" ? entries : entries.map((e) => ({ ...e, data: [...e.data] }));
}

describe("transport - append entries blob", () => {
  it("encodes u64 term | u8 kind | u32 length | data per entry and decodes from prevIndex + 1", () => {
    const entries = [entry(8, 0x1_0000_0002, [7, 7]), entry(9, 0x1_0000_0002, [], EntryKind.Noop)];
    const blob = encodeEntries(entries);
    expect([...blob]).toEqual([0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 0, 2, 7, 7, 0, 0, 0, 1, 0, 0, 0, 2, 1, 0, 0, 0, 0]);
    expect(plain(decodeEntries(blob, 7))).toEqual(plain(entries));
    expect(encodeEntries([])).toHaveLength(0);
    expect(decodeEntries(new Uint8Array(0), 3)).toEqual([]);
  });

  it("the same log slice sent to two followers is encoded once; another slice is not confused with it", () => {
    const log = [entry(1, 1, [1]), entry(2, 1, [2]), entry(3, 1, [3])];
    const toN2 = encodeEntries(log.slice(0, 3));
    const toN3 = encodeEntries(log.slice(0, 3));
    expect(toN3).toBe(toN2);
    const shorter = encodeEntries(log.slice(1, 3));
    expect(shorter).not.toBe(toN2);
    expect(plain(decodeEntries(shorter, 1))).toEqual(plain(log.slice(1, 3)));
    // A truncated log replaces a position together with everything after it: the last differs.
    encodeEntries(log);
    const replaced = [log[0]!, entry(2, 2, [9]), entry(3, 2, [8])];
    expect(plain(decodeEntries(encodeEntries(replaced), 0))).toEqual(plain(replaced));
  });

  it("refuses truncated headers and data, unknown kinds and terms beyond 2^53", () => {
    const good = [...encodeEntries([entry(5, 3, [1, 2, 3])])];
    expect(decodeEntries(Uint8Array.from(good.slice(0, 10)), 4)).toBe("entry 5 header truncated");
    expect(decodeEntries(Uint8Array.from(good.slice(0, 15)), 4)).toBe("entry 5 data truncated (3 bytes announced)");
    const badKind = [...good];
    badKind[8] = 7;
    expect(decodeEntries(Uint8Array.from(badKind), 4)).toBe("entry 5 kind 7 unknown");
    const hugeTerm = [...good];
    hugeTerm[0] = 0x00;
    hugeTerm[1] = 0x20;
    expect(decodeEntries(Uint8Array.from(hugeTerm), 4)).toBe("entry 5 term beyond the safe integer range");
  });

  it("an Append travels as a blob and parses back to the same message; other frames are unchanged", () => {
    const msg: AppendMessage = {
      type: MessageType.Append, from: "n1", to: "n2", term: 3, prevIndex: 4, prevTerm: 2, commit: 4,
      entries: [entry(5, 3, [1]), entry(6, 3, [2, 3])],
    };
    const body = wireBody({ k: FrameKind.Raft, msg }) as { msg: { entries: unknown } };
    expect(body.msg.entries).toBeInstanceOf(Uint8Array);
    const parsed = parseEnvelope(body);
    if (typeof parsed === "string" || parsed.msg.type !== MessageType.Append) throw new Error(`not an append: ${JSON.stringify(parsed)}`);
    expect({ ...parsed.msg, entries: plain(parsed.msg.entries) }).toEqual({ ...msg, entries: plain(msg.entries) });
    const heartbeat = { k: FrameKind.Raft, msg: { type: MessageType.Heartbeat, from: "n1", to: "n2", term: 3, commit: 4 } };
    expect(wireBody(heartbeat)).toBe(heartbeat);
    expect(parseEnvelope({ k: FrameKind.Raft, msg: { ...msg, prevIndex: -1, entries: new Uint8Array(0) } })).toBe("append.prevIndex invalid");
  });

  it("the written frame splices the blob in uncopied and decodes exactly as the wire body", () => {
    const msg: AppendMessage = {
      type: MessageType.Append, from: "n1", to: "n2", term: 7, prevIndex: 40, prevTerm: 6, commit: 39,
      entries: [entry(41, 7, [5, 6, 7]), entry(42, 7, new Array<number>(300).fill(9))],
    };
    const pieces = encodeEnvelopeFrame({ k: FrameKind.Raft, msg });
    expect(pieces).toHaveLength(2);
    expect(pieces[1]).toBe(encodeEntries(msg.entries));
    const frame = Buffer.concat(pieces);
    expect(frame.readUInt32BE(0)).toBe(frame.length - 4);
    const decoder = new FrameDecoder(1 << 20);
    decoder.push(frame);
    const body = decoder.next() as { k: number; msg: Record<string, unknown> };
    const expected = wireBody({ k: FrameKind.Raft, msg }) as { k: number; msg: Record<string, unknown> };
    expect({ ...body.msg, entries: [...(body.msg.entries as Uint8Array)] })
      .toEqual({ ...expected.msg, entries: [...(expected.msg.entries as Uint8Array)] });
    expect(decoder.next()).toBeUndefined();
    const heartbeat = { k: FrameKind.Raft, msg: { type: MessageType.Heartbeat, from: "n1", to: "n2", term: 7, commit: 39 } };
    expect(encodeEnvelopeFrame(heartbeat)).toEqual([encodeFrame(heartbeat)]);
  });

  it("term probes and reports pass the wire check as they are; a report without a whole commit index is refused", () => {
    const probe = { k: FrameKind.Raft, msg: { type: MessageType.TermProbe, from: "n3", to: "n1", term: 0 } };
    const report = { k: FrameKind.Raft, msg: { type: MessageType.TermReport, from: "n1", to: "n3", term: 5, commit: 12 } };
    expect(parseEnvelope(wireBody(probe))).toEqual(probe);
    expect(parseEnvelope(wireBody(report))).toEqual(report);
    expect(parseEnvelope({ k: FrameKind.Raft, msg: { ...report.msg, commit: undefined } })).toBe("termReport.commit invalid");
    expect(parseEnvelope({ k: FrameKind.Raft, msg: { ...report.msg, commit: 1.5 } })).toBe("termReport.commit invalid");
  });
});
