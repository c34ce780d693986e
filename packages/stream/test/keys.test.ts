import { describe, expect, it } from "vitest";
import { AssertionError } from "../src/assert";
import { dedupeKey, messageKey, messageKeyRange, readU64, streamKeyPrefix, writeU64 } from "../src/keys";
import { decodeU64Value, encodeU64Value } from "../src/records";

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("hex");
}

describe("keys", () => {
  it("writes numbers and bigints as the same big-endian u64", () => {
    for (const value of [0, 1, 255, 2 ** 32 - 1, 2 ** 32, 2 ** 40 + 12345, Number.MAX_SAFE_INTEGER]) {
      const a = new Uint8Array(8);
      const b = new Uint8Array(8);
      writeU64(a, 0, value);
      writeU64(b, 0, BigInt(value));
      expect(hex(a)).toBe(hex(b));
      expect(readU64(a, 0)).toBe(BigInt(value));
    }
    expect(() => writeU64(new Uint8Array(8), 0, -1)).toThrow(new AssertionError("writeU64: -1 is not a non-negative safe integer"));
    expect(() => writeU64(new Uint8Array(8), 0, 0.5)).toThrow(new AssertionError("writeU64: 0.5 is not a non-negative safe integer"));
  });

  it("stores u64 values as 8 little-endian bytes and reads them back", () => {
    for (const value of [0, 1, 255, 256, 2 ** 32 - 1, 2 ** 32, 2 ** 40 + 12345, Number.MAX_SAFE_INTEGER]) {
      const expected = Buffer.alloc(8);
      expected.writeBigUInt64LE(BigInt(value));
      const encoded = encodeU64Value(value);
      expect(hex(encoded)).toBe(hex(expected));
      expect(decodeU64Value(encoded)).toBe(value);
    }
    expect(hex(encodeU64Value(2 ** 40 + 12345))).toBe("3930000000010000");
    expect(() => encodeU64Value(-1)).toThrow(new AssertionError("encodeU64Value: -1 is not a non-negative safe integer"));
    expect(() => encodeU64Value(2 ** 53)).toThrow(AssertionError);
  });

  it("orders message keys by sequence and keeps them inside the stream's range", () => {
    const prefix = streamKeyPrefix("ORDERS");
    const seqs = [1, 2, 255, 256, 2 ** 32, 2 ** 32 + 1, 2 ** 45];
    const keys = seqs.map((seq) => hex(messageKey(prefix, seq)));
    expect([...keys].sort()).toEqual(keys);
    const [gte, lt] = messageKeyRange(prefix).map(hex) as [string, string];
    for (const key of keys) expect(key >= gte && key < lt).toBe(true);
    expect(hex(messageKey(prefix, 1))).toBe("03064f5244455253" + "0000000000000001");
    const other = hex(messageKey(streamKeyPrefix("ORDERSX"), 1));
    expect(other >= gte && other < lt).toBe(false);
  });

  it("orders dedupe keys by time", () => {
    const prefix = streamKeyPrefix("S");
    expect(hex(dedupeKey(prefix, 5n, "b")) < hex(dedupeKey(prefix, 6n, "a"))).toBe(true);
    expect(hex(dedupeKey(prefix, 5n, "id"))).toBe("040153" + "0000000000000005" + "6964");
  });
});
