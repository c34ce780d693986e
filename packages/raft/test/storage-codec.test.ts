/** Storage codec tests: the exact bytes of log segment keys and records, and their round trip. */
import { crc32c } from "@node-rs/crc32";
import { Packr } from "msgpackr";
import { describe, expect, it } from "vitest";
import { EntryKind, type Entry } from "../src/core/types";
import { META_KEY, decodeSegment, hardKey, printKey, segmentKey, segmentKeyRange, snapKey } from "../src/internal";
import { INDEX_MAX } from "../src/storage/limits";
import { encodeSegment } from "./helpers";
import { decodeHardState, encodeHardStates } from "../src/storage/codec";

const packr = new Packr({ useRecords: false });

describe("storage codec - log segments", () => {
  it("segmentKey is 'L' + u64 big-endian first + u64 big-endian last, also above 2^32", () => {
    expect([...segmentKey(1, 2)]).toEqual([0x4c, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 2]);
    const high = segmentKey(0x1_0203_0405, Number.MAX_SAFE_INTEGER);
    expect([...high]).toEqual([0x4c, 0, 0, 0, 1, 2, 3, 4, 5, 0, 0x1f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
    expect(segmentKeyRange(high)).toEqual({ first: 0x1_0203_0405, last: Number.MAX_SAFE_INTEGER });
    expect(printKey(segmentKey(7, 9))).toBe("L/7-9");
    expect(() => segmentKey(-1, 3)).toThrow("value -1 is not a non-negative safe integer");
    expect(() => segmentKey(1.5, 3)).toThrow("value 1.5 is not a non-negative safe integer");
    expect(() => segmentKey(4, 3)).toThrow("segment 4..3 is empty");
    expect(() => segmentKeyRange(Uint8Array.of(0x4c, 1))).toThrow("not a log segment key");
  });

  it("a segment is crc32c(key ‖ body) ‖ (u64 term ‖ u8 kind ‖ u32 length ‖ data) per entry, and decodes back", () => {
    const entries: Entry[] = [
      { index: 0x1_0000_0007, term: 0x2_0000_0003, kind: EntryKind.Normal, data: Uint8Array.of(9, 8, 7) },
      { index: 0x1_0000_0008, term: 0x2_0000_0004, kind: EntryKind.Noop, data: new Uint8Array(0) },
    ];
    const key = segmentKey(0x1_0000_0007, 0x1_0000_0008);
    const value = encodeSegment(entries, 0, 1, key);
    const body = [
      0, 0, 0, 2, 0, 0, 0, 3, EntryKind.Normal, 0, 0, 0, 3, 9, 8, 7,
      0, 0, 0, 2, 0, 0, 0, 4, EntryKind.Noop, 0, 0, 0, 0,
    ];
    expect([...value.subarray(4)]).toEqual(body);
    const crc = crc32c(Buffer.from(body), crc32c(Buffer.from(key)));
    expect([...value.subarray(0, 4)]).toEqual([crc >>> 24, (crc >>> 16) & 0xff, (crc >>> 8) & 0xff, crc & 0xff]);
    expect(decodeSegment(key, value)).toEqual(entries);
    expect(decodeSegment(segmentKey(0x1_0000_0007, 0x1_0000_0007), encodeSegment(entries, 0, 0, segmentKey(0x1_0000_0007, 0x1_0000_0007))))
      .toEqual([entries[0]]);
  });

  it("a segment decoded under another key fails its checksum; wrong shapes are named", () => {
    const noop = (index: number): Entry => ({ index, term: 1, kind: EntryKind.Noop, data: new Uint8Array(0) });
    const key = segmentKey(5, 6);
    const value = encodeSegment([noop(5), noop(6)], 0, 1, key);
    expect(value.length).toBe(4 + 2 * 13);
    expect(decodeSegment(segmentKey(5, 7), value)).toMatch(/^crc32c mismatch \(stored \d+, computed \d+\)$/);
    // Sealed correctly but with one entry fewer than its key names, or one more.
    const short = encodeSegment([noop(5)], 0, 0, key);
    expect(decodeSegment(key, short)).toBe("segment ends before the header of entry 6");
    const long = encodeSegment([noop(5), noop(6), noop(7)], 0, 2, key);
    expect(decodeSegment(key, long)).toBe("13 bytes after entry 6");
    const badKind = encodeSegment([noop(5), { ...noop(6), kind: 9 as EntryKind }], 0, 1, key);
    expect(decodeSegment(key, badKind)).toBe("entry 6: unknown kind 9");
    expect(() => encodeSegment([{ ...noop(5), term: -2 }], 0, 0, segmentKey(5, 5))).toThrow("value -2 is not a non-negative safe integer");
    // A length field pointing past the end, sealed with a valid checksum.
    const one = segmentKey(5, 5);
    const body = Buffer.from([0, 0, 0, 0, 0, 0, 0, 1, EntryKind.Normal, 0, 0, 0, 9, 1, 2]);
    const sealed = Buffer.alloc(4 + body.length);
    sealed.writeUInt32BE(crc32c(body, crc32c(Buffer.from(one))), 0);
    body.copy(sealed, 4);
    expect(decodeSegment(one, sealed)).toBe("entry 5: 9 data bytes overrun the segment");
  });
});

describe("storage codec - hard state", () => {
  it("both copies are crc32c(own key ‖ body) ‖ one msgpack body, and each decodes only under its own key", () => {
    const state = { term: 0x1_0000_0002, vote: "n2", commit: 77 };
    const [first, second] = encodeHardStates(state, 0);
    expect(Buffer.from(first.subarray(4))).toEqual(Buffer.from(second.subarray(4)));
    const body = Buffer.from(first.subarray(4));
    expect(Buffer.from(first.subarray(0, 4)).readUInt32BE(0)).toBe(crc32c(body, crc32c(Buffer.from(hardKey(0)))));
    expect(Buffer.from(second.subarray(0, 4)).readUInt32BE(0)).toBe(crc32c(body, crc32c(Buffer.from(hardKey(1)))));
    expect(decodeHardState(0, first)).toEqual({ ...state, repairTarget: 0 });
    expect(decodeHardState(1, second)).toEqual({ ...state, repairTarget: 0 });
    expect(decodeHardState(1, first)).toMatch(/^crc32c mismatch/);
    expect(decodeHardState(0, encodeHardStates({ term: 3, vote: null, commit: 0 }, 0)[0]))
      .toEqual({ term: 3, vote: null, commit: 0, repairTarget: 0 });
  });

  it("a repair target is stored only while there is one, and a bad one is a corrupt record", () => {
    const state = { term: 5, vote: "n1", commit: 40 };
    const [plain] = encodeHardStates(state, 0);
    const [repairing] = encodeHardStates(state, 120);
    expect(packr.unpack(Buffer.from(plain.subarray(4)))).toEqual({ term: 5, vote: "n1", commit: 40 });
    expect(packr.unpack(Buffer.from(repairing.subarray(4)))).toEqual({ term: 5, vote: "n1", commit: 40, repair: 120 });
    expect(decodeHardState(0, repairing)).toEqual({ ...state, repairTarget: 120 });
    const body = packr.pack({ term: 5, vote: "n1", commit: 40, repair: -1 });
    const sealed = Buffer.alloc(4 + body.length);
    sealed.writeUInt32BE(crc32c(body, crc32c(Buffer.from(hardKey(0)))), 0);
    body.copy(sealed, 4);
    expect(decodeHardState(0, sealed)).toBe("hard state repair target not an integer");
  });

  it("a rejoin is stored as a flag beside its repair target, and a flag without a target or not true is a corrupt record", () => {
    const state = { term: 5, vote: null, commit: 0 };
    const [rejoin] = encodeHardStates(state, 9, true);
    expect(packr.unpack(Buffer.from(rejoin.subarray(4)))).toEqual({ term: 5, vote: null, commit: 0, repair: 9, rejoin: true });
    expect(decodeHardState(0, rejoin)).toEqual({ ...state, repairTarget: 9, rejoin: true });
    expect(packr.unpack(Buffer.from(encodeHardStates(state, 0, true)[0].subarray(4)))).toEqual(state);
    for (const fields of [{ repair: 0, rejoin: true }, { repair: 9, rejoin: "yes" }]) {
      const body = packr.pack({ ...state, ...fields });
      const sealed = Buffer.alloc(4 + body.length);
      sealed.writeUInt32BE(crc32c(body, crc32c(Buffer.from(hardKey(0)))), 0);
      body.copy(sealed, 4);
      expect(decodeHardState(0, sealed)).toBe("hard state rejoin flag invalid");
    }
  });
});

describe("storage codec - key order", () => {
  it("the hard-state keys sort above every log, meta and snapshot key, so flushed tables do not span the log", () => {
    const highest = [segmentKey(INDEX_MAX, INDEX_MAX), META_KEY, snapKey(INDEX_MAX, 0xffff_ffff)];
    for (const copy of [0, 1] as const) {
      for (const key of highest) expect(Buffer.compare(Buffer.from(hardKey(copy)), Buffer.from(key))).toBe(1);
    }
    expect(printKey(hardKey(1))).toBe("h/01");
  });
});
