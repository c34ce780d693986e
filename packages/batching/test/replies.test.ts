/**
 * Wire bytes batching sends (spec §3.1, §3.4, §3.5), byte for byte: PubAcks built like
 * nats-server's hand-made ones (Go %q quoting, fixed field order, optional domain), error
 * responses and advisories as Go's encoding/json writes them (HTML-safe escaping, RFC 3339
 * timestamps with trailing zeros cut).
 */
import { describe, expect, it } from "vitest";
import { apiError } from "@flotilla/stream";
import {
  batchAbandonedAdvisory,
  batchPubAck,
  duplicatePubAck,
  errorResponse,
  formatRfc3339Nano,
  goJson,
  pubAck,
} from "@flotilla/batching/internal";

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

describe("PubAcks", () => {
  it("builds plain, duplicate and batch acks in nats-server's field order", () => {
    expect(text(pubAck("TEST", 6))).toBe('{"stream":"TEST","seq":6}');
    expect(text(duplicatePubAck("TEST", 1))).toBe('{"stream":"TEST","seq":1,"duplicate": true}');
    expect(text(batchPubAck("TEST", 6, "uuid", 5))).toBe('{"stream":"TEST","seq":6,"batch":"uuid","count":5}');
  });

  it("puts the domain between stream and seq when one is set", () => {
    expect(text(batchPubAck("TEST", 6, "uuid", 5, "D"))).toBe(
      '{"stream":"TEST","domain":"D","seq":6,"batch":"uuid","count":5}',
    );
    expect(text(pubAck("TEST", 1, ""))).toBe('{"stream":"TEST","seq":1}');
  });

  it("quotes the batch id with Go's %q, which leaves <, > and & alone", () => {
    expect(text(batchPubAck("TEST", 1, 'a<b>&"c', 1))).toBe('{"stream":"TEST","seq":1,"batch":"a<b>&\\"c","count":1}');
  });
});

describe("error responses", () => {
  it("writes error, then the PubAck fields with seq 0", () => {
    const body = errorResponse("TEST", apiError("AtomicPublishTooLargeBatchErrF", { size: 1000 }));
    expect(text(body)).toBe(
      '{"error":{"code":400,"err_code":10199,"description":"atomic publish batch is too large: 1000"},"stream":"TEST","seq":0}',
    );
    const withDomain = errorResponse("TEST", apiError("AtomicPublishDisabledErr"), "D");
    expect(text(withDomain)).toBe(
      '{"error":{"code":400,"err_code":10174,"description":"atomic publish is disabled"},"stream":"TEST","domain":"D","seq":0}',
    );
  });

  it("escapes like Go's encoding/json", () => {
    expect(goJson('rollup value invalid: "<&>"')).toBe('"rollup value invalid: \\"\\u003c\\u0026\\u003e\\""');
    expect(goJson("a\u2028b")).toBe('"a\\u2028b"');
  });
});

describe("batch-abandoned advisory", () => {
  it("has nats-server's subject, type and field order", () => {
    const advisory = batchAbandonedAdvisory({
      stream: "TEST",
      batchId: "uuid",
      reason: "incomplete",
      id: "NUID",
      timestampNs: 1_700_000_000_123_456_700n,
      domain: "D",
    });
    expect(advisory.subject).toBe("$JS.EVENT.ADVISORY.STREAM.BATCH_ABANDONED.TEST");
    expect(text(advisory.data)).toBe(
      '{"type":"io.nats.jetstream.advisory.v1.stream_batch_abandoned","id":"NUID",' +
        '"timestamp":"2023-11-14T22:13:20.1234567Z","stream":"TEST","domain":"D","batch":"uuid","reason":"incomplete"}',
    );
  });

  it("formats timestamps as RFC 3339 in UTC with trailing zeros cut", () => {
    expect(formatRfc3339Nano(0n)).toBe("1970-01-01T00:00:00Z");
    expect(formatRfc3339Nano(1_500_000_000n)).toBe("1970-01-01T00:00:01.5Z");
    expect(formatRfc3339Nano(1_000_000_001n)).toBe("1970-01-01T00:00:01.000000001Z");
  });
});
