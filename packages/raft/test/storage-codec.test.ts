/** Storage codec tests: the exact bytes of log keys and entry records, and their round trip. */
import { crc32c } from "@node-rs/crc32";
import { describe, expect, it } from "vitest";
import { EntryKind, type Entry } from "../src/core/types";
import { decodeEntry, encodeEntry, logKey } from "../src/internal";

describe("storage codec - log records", () => {
  it("logKey is 'L' + u64 big-endian, also above 2^32", () => {
    expect([...logKey(1)]).toEqual([0x4c, 0, 0, 0, 0, 0, 0, 0, 1]);
    expect([...logKey(0x1_0203_0405)]).toEqual([0x4c, 0, 0, 0, 1, 2, 3, 4, 5]);
    expect([...logKey(Number.MAX_SAFE_INTEGER)]).toEqual([0x4c, 0, 0x1f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
    expect(() => logKey(-1)).toThrow("value -1 is not a non-negative safe integer");
    expect(() => logKey(1.5)).toThrow("value 1.5 is not a non-negative safe integer");
  });

  it("an entry record is crc32c(key ‖ body) ‖ u64 term ‖ u8 kind ‖ data, and decodes back", () => {
    const entry: Entry = { index: 0x1_0000_0007, term: 0x2_0000_0003, kind: EntryKind.Normal, data: Uint8Array.of(9, 8, 7) };
    const key = logKey(entry.index);
    const value = encodeEntry(entry, key);
    const body = [0, 0, 0, 2, 0, 0, 0, 3, EntryKind.Normal, 9, 8, 7];
    expect([...value.subarray(4)]).toEqual(body);
    const crc = crc32c(Buffer.from(body), crc32c(Buffer.from(key)));
    expect([...value.subarray(0, 4)]).toEqual([crc >>> 24, (crc >>> 16) & 0xff, (crc >>> 8) & 0xff, crc & 0xff]);
    expect(decodeEntry(key, value)).toEqual(entry);
  });

  it("a record decoded under another key fails its checksum; an empty no-op round-trips", () => {
    const noop: Entry = { index: 5, term: 1, kind: EntryKind.Noop, data: new Uint8Array(0) };
    const value = encodeEntry(noop, logKey(5));
    expect(value.length).toBe(4 + 9);
    expect(decodeEntry(logKey(5), value)).toEqual(noop);
    expect(decodeEntry(logKey(6), value)).toMatch(/^crc32c mismatch \(stored \d+, computed \d+\)$/);
    expect(() => encodeEntry({ ...noop, term: -2 }, logKey(5))).toThrow("value -2 is not a non-negative safe integer");
  });
});
