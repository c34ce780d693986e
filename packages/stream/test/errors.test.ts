import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ApiErrors, apiError, JetStreamApiError, type ApiErrorName } from "../src/index";

const SPEC_PATH = "/work/shared/spec/nats-batching.md";

describe("errors", () => {
  it("apiError fills placeholders and serializes to the wire triple", () => {
    const err = apiError("AtomicPublishTooLargeBatchErrF", { size: 1000 });
    expect(err).toBeInstanceOf(JetStreamApiError);
    expect(err.name).toBe("JetStreamApiError");
    expect(err.errorName).toBe("AtomicPublishTooLargeBatchErrF");
    expect(err.toWire()).toEqual({ code: 400, err_code: 10199, description: "atomic publish batch is too large: 1000" });
    expect(JSON.stringify(err.toWire())).toBe(
      '{"code":400,"err_code":10199,"description":"atomic publish batch is too large: 1000"}',
    );
  });

  it("apiError without a needed placeholder value is a programmer error", () => {
    expect(() => apiError("StreamWrongLastSequenceErrF")).toThrow(
      "apiError(StreamWrongLastSequenceErrF): missing value for placeholder {seq}",
    );
  });

  it("apiError keeps the cause", () => {
    const cause = new Error("disk full");
    const err = apiError("StreamStoreFailedF", { err: "maximum bytes exceeded" }, { cause });
    expect(err.cause).toBe(cause);
    expect(err.toWire()).toEqual({ code: 503, err_code: 10077, description: "maximum bytes exceeded" });
  });

  it("every row of spec §3.2 and §3.3 matches the table byte for byte", () => {
    const spec = readFileSync(SPEC_PATH, "utf8");
    const section = spec.slice(spec.indexOf("### 3.2"), spec.indexOf("### 3.4"));
    const rows32 = [...section.matchAll(/^\| JS(\w+) \| (\d+) \| \*{0,2}(\d+)\*{0,2} \| `([^`]*)`/gm)];
    const rows33 = [...section.matchAll(/^\| (\d{5}) \| \*{0,2}(\d+)\*{0,2} \| `([^`]*)`/gm)];
    expect(rows32.length).toBe(18);
    expect(rows33.length).toBe(29);
    for (const [, name, errCode, code, description] of rows32) {
      const row = ApiErrors[name as ApiErrorName];
      expect(row, name).toEqual({ code: Number(code), err_code: Number(errCode), description });
    }
    const byCode = new Map<number, unknown>(Object.values(ApiErrors).map((row) => [row.err_code, row]));
    for (const [, errCode, code, description] of rows33) {
      const row = byCode.get(Number(errCode));
      expect(row, errCode).toEqual({ code: Number(code), err_code: Number(errCode), description });
    }
  });
});
