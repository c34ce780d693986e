/**
 * goQuote against Go's %q for the characters nats-server's texts can contain.
 */
import { describe, expect, it } from "vitest";
import { goQuote } from "@flotilla/stream/internal";

describe("goQuote", () => {
  it("quotes like Go's %q", () => {
    expect(goQuote("invalid")).toBe('"invalid"');
    expect(goQuote('a"b\\c\n')).toBe('"a\\"b\\\\c\\n"');
    expect(goQuote("\r\t\x01\x7f")).toBe('"\\r\\t\\x01\\x7f"');
    expect(goQuote("ünï")).toBe('"ünï"');
  });
});
