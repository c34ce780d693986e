/**
 * Header block parsing and rewriting, byte-exact (spec §1.2): case-sensitive keys at line
 * starts, leading value spaces skipped, empty values distinct from absent ones, and the two
 * rewrites (strip a header, append Nats-Batch-Commit: 1).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  HeaderLines,
  appendHeader,
  buildHeaders,
  headerKeyIndex,
  headerValue,
  headerValueBytes,
  removeHeader,
  utf8,
} from "@flotilla/batching/internal";

const text = (bytes: Uint8Array | null) => (bytes === null ? null : new TextDecoder().decode(bytes));

describe("header lookup", () => {
  const block = utf8("NATS/1.0\r\nNats-Batch-Id:   uuid \r\nnats-msg-id: lower\r\nX-Nats-Msg-Id: x\r\nNats-Msg-Id:\r\n\r\n");

  it("matches the key case-sensitively at a line start and skips leading spaces only", () => {
    expect(headerValue(block, "Nats-Batch-Id")).toBe("uuid ");
    expect(headerKeyIndex(block, "Nats-Batch-Id")).toBe(10);
  });

  it("does not match a key in another case or inside another key", () => {
    const other = utf8("NATS/1.0\r\nnats-msg-id: lower\r\nX-Nats-Msg-Id: x\r\n\r\n");
    expect(headerValue(other, "Nats-Msg-Id")).toBeUndefined();
  });

  it("gives an empty value for a present key with nothing after the colon", () => {
    expect(headerValue(block, "Nats-Msg-Id")).toBe("");
    expect(headerValueBytes(block, "Nats-Msg-Id")?.length).toBe(0);
  });

  it("needs the colon right after the key", () => {
    const spaced = utf8("NATS/1.0\r\nNats-Batch-Id : a\r\nNats-Batch-Sequence: 7\r\n\r\n");
    expect(headerValue(spaced, "Nats-Batch-Id")).toBeUndefined();
    expect(headerValue(spaced, "Nats-Batch-Sequence")).toBe("7");
  });

  it("does not take a longer key for a shorter one", () => {
    const block2 = buildHeaders([["Nats-Schedule-TTL", "5s"], ["Nats-Schedule", "@every 1s"]]);
    expect(headerValue(block2, "Nats-Schedule")).toBe("@every 1s");
    expect(headerValue(buildHeaders([["Nats-Schedule-TTL", "5s"]]), "Nats-Schedule")).toBeUndefined();
  });

  it("answers absent for null and empty blocks", () => {
    expect(headerValue(null, "Nats-Msg-Id")).toBeUndefined();
    expect(headerValue(new Uint8Array(0), "Nats-Msg-Id")).toBeUndefined();
  });

  it("reads a value without a final CRLF to the end of the block", () => {
    expect(text(headerValueBytes(utf8("NATS/1.0\r\nA: b"), "A"))).toBe("b");
  });
});

/**
 * The definition HeaderLines must keep: scan every position of the block for the key right
 * after a CRLF and right before a colon; skip the value's leading spaces; stop at the next CRLF.
 */
function referenceValue(hdr: Uint8Array, key: string): string | null {
  const k = utf8(key);
  for (let i = 2; i + k.length < hdr.length; i++) {
    if (hdr[i - 2] !== 13 || hdr[i - 1] !== 10) continue;
    if (!k.every((byte, j) => hdr[i + j] === byte) || hdr[i + k.length] !== 58) continue;
    let start = i + k.length + 1;
    while (start < hdr.length && hdr[start] === 32) start++;
    let end = start;
    while (end < hdr.length && !(hdr[end] === 13 && end + 1 < hdr.length && hdr[end + 1] === 10)) end++;
    return text(hdr.subarray(start, end));
  }
  return null;
}

describe("header lookup through one HeaderLines per block", () => {
  const keys = ["Nats-Msg-Id", "Nats-Msg", "Nats-Batch-Id", "N", "Nats-Rollup"];
  // Blocks built from the bytes that decide a match: line breaks, colons, spaces and key letters.
  const blockBytes = fc
    .array(fc.constantFrom("\r\n", "\r", "\n", ":", " ", "Nats-Msg-Id", "Nats-Batch-Id", "N", "Nats-Rollup", "x", "é"), { maxLength: 40 })
    .map((parts) => utf8(`NATS/1.0\r\n${parts.join("")}`));

  it("answers every key as the byte-by-byte definition does, whatever the block", () => {
    fc.assert(
      fc.property(blockBytes, (hdr) => {
        const lines = new HeaderLines(hdr);
        for (const key of keys) {
          expect(text(lines.valueBytes(key))).toBe(referenceValue(hdr, key));
          expect(lines.value(key) ?? null).toBe(referenceValue(hdr, key));
        }
      }),
      { numRuns: 2000 },
    );
  });

  it("finds nothing in a null block", () => {
    expect(new HeaderLines(null).valueBytes("Nats-Msg-Id")).toBeNull();
    expect(new HeaderLines(null).keyIndex("Nats-Msg-Id")).toBe(-1);
  });
});

describe("header rewriting", () => {
  it("removes every line of the key and keeps the rest byte for byte", () => {
    const block = buildHeaders([
      ["Nats-Batch-Id", "b"],
      ["Nats-Required-Api-Level", "0"],
      ["Nats-Batch-Sequence", "1"],
      ["Nats-Required-Api-Level", "1"],
    ]);
    expect(text(removeHeader(block, "Nats-Required-Api-Level"))).toBe(
      "NATS/1.0\r\nNats-Batch-Id: b\r\nNats-Batch-Sequence: 1\r\n\r\n",
    );
  });

  it("returns null when no header is left", () => {
    expect(removeHeader(buildHeaders([["Nats-Required-Api-Level", "0"]]), "Nats-Required-Api-Level")).toBeNull();
  });

  it("returns the same block when the key is absent", () => {
    const block = buildHeaders([["A", "1"]]);
    expect(removeHeader(block, "B")).toBe(block);
  });

  it("appends a header before the final CRLF", () => {
    const block = buildHeaders([["Nats-Batch-Id", "uuid"], ["Nats-Batch-Sequence", "2"]]);
    expect(text(appendHeader(block, "Nats-Batch-Commit", "1"))).toBe(
      "NATS/1.0\r\nNats-Batch-Id: uuid\r\nNats-Batch-Sequence: 2\r\nNats-Batch-Commit: 1\r\n\r\n",
    );
  });

  it("starts a new block when there were no headers", () => {
    expect(text(appendHeader(null, "Nats-Batch-Commit", "1"))).toBe("NATS/1.0\r\nNats-Batch-Commit: 1\r\n\r\n");
  });
});
