/**
 * Header value parsers against nats-server's rules: TestJetStreamAtomicPublishGetBatchSequence
 * (spec §6.1 test 36), commit values, Nats-Required-Api-Level, Nats-TTL, expected sequences.
 */
import { describe, expect, it } from "vitest";
import {
  BatchCommit,
  parseBatchCommit,
  parseExpectedSequence,
  parseGoDurationNs,
  parseMessageTtl,
  parseUint64Decimal,
  requiredApiLevelUnsupported,
  utf8,
} from "@flotilla/batching/internal";

describe("TestJetStreamAtomicPublishGetBatchSequence", () => {
  it.each([[""], ["abc"], ["-1"], ["18446744073709551616"], [" 1"], ["1.0"]])("%j is missing", (value) => {
    expect(parseUint64Decimal(utf8(value))).toBeUndefined();
  });

  it("is missing when the header is absent", () => {
    expect(parseUint64Decimal(null)).toBeUndefined();
  });

  it.each([
    ["42", 42n],
    ["007", 7n],
    ["0", 0n],
    ["18446744073709551615", 18446744073709551615n],
  ])("%j parses to %s", (value, expected) => {
    expect(parseUint64Decimal(utf8(value))).toBe(expected);
  });
});

describe("Nats-Batch-Commit values", () => {
  it.each([
    ["1", BatchCommit.Commit],
    ["eob", BatchCommit.Eob],
    ["", BatchCommit.Invalid],
    ["0", BatchCommit.Invalid],
    ["unsupported", BatchCommit.Invalid],
    ["EOB", BatchCommit.Invalid],
    ["true", BatchCommit.Invalid],
  ])("%j is %s", (value, expected) => {
    expect(parseBatchCommit(utf8(value))).toBe(expected);
  });

  it("absent is not a commit", () => {
    expect(parseBatchCommit(null)).toBe(BatchCommit.None);
  });
});

describe("Nats-Required-Api-Level (API level 5)", () => {
  it.each([["0"], ["5"], ["-3"], ["+5"], ["005"]])("%j is supported", (value) => {
    expect(requiredApiLevelUnsupported(value)).toBe(false);
  });

  it.each([["6"], ["9223372036854775807"], ["9223372036854775808"], ["abc"], ["1.0"], [" 1"]])(
    "%j is unsupported",
    (value) => {
      expect(requiredApiLevelUnsupported(value)).toBe(true);
    },
  );
});

describe("Nats-TTL", () => {
  it.each([
    ["never", -1n],
    ["NEVER", -1n],
    ["1s", 1n],
    ["1.5s", 1n],
    ["2m", 120n],
    ["1h30m", 5400n],
    ["60", 60n],
    ["00", 0n],
  ])("%j is %s seconds", (value, seconds) => {
    expect(parseMessageTtl(value)).toEqual({ ok: true, seconds });
  });

  it.each([["0"], ["500ms"], ["-1"], ["-1s"], ["1x"], ["abc"], ["1.s5"], ["9223372036854775808"]])(
    "%j is invalid",
    (value) => {
      expect(parseMessageTtl(value)).toEqual({ ok: false });
    },
  );

  it("parses Go durations to nanoseconds", () => {
    expect(parseGoDurationNs("1h2m3.5s")).toBe(3_723_500_000_000n);
    expect(parseGoDurationNs("1\u00b5s")).toBe(1_000n);
    expect(parseGoDurationNs(".5s")).toBe(500_000_000n);
    expect(parseGoDurationNs("-2ms")).toBe(-2_000_000n);
    expect(parseGoDurationNs("s")).toBeUndefined();
    expect(parseGoDurationNs("10")).toBeUndefined();
  });
});

describe("expected sequence values", () => {
  it("reads digits, turns garbage into 2^64-1 and wraps like int64", () => {
    expect(parseExpectedSequence("12")).toBe(12n);
    expect(parseExpectedSequence("abc")).toBe(18446744073709551615n);
    expect(parseExpectedSequence("-1")).toBe(18446744073709551615n);
    expect(parseExpectedSequence("18446744073709551617")).toBe(1n);
  });
});
