/**
 * The §4.2 rows not covered by the staging table, each with its exact error, through plain
 * publishes on the real store (the same check function serves batches at commit): row 0 (file
 * record too large), 1 (header block), 4 (expected stream), 5 (TTL parse rules), 7 (source
 * header), 12 (subject filter without sequence), 13-16 (schedules off) and value quirks kept
 * from nats-server (case-insensitive rollup values, non-numeric expected sequences).
 */
import { afterEach, describe, expect, it } from "vitest";
import { buildHeaders } from "@flotilla/batching";
import { StagedDiff, StreamInflight, checkMessage } from "@flotilla/batching/internal";
import { body, errorBody, plainMsg } from "./support/leader-rig";
import { StoreRig } from "./support/store-rig";

let rig: StoreRig;
afterEach(async () => rig.close());

async function answer(headers: [string, string][], subject = "foo"): Promise<string> {
  const out = await rig.publish("TEST", plainMsg(subject, { headers, reply: "r" }));
  return body(out.answers[0]);
}

describe("rows 0-7", () => {
  it("row 0: a file-stream record above 32 MiB is 10077 message too large (memory streams skip it)", async () => {
    rig = await StoreRig.open();
    await rig.createStream({ name: "TEST", subjects: ["foo"], storage: "file" });
    const view = rig.store.view("TEST");
    if (view === undefined) throw new Error("no view");
    const input = { subject: "foo", rawSubject: "foo", headers: null, data: new Uint8Array(32 * 1024 * 1024) };
    const outcome = checkMessage({ view, inflight: new StreamInflight(), nowNs: rig.clock.nowNs() }, new StagedDiff(), input, 0);
    expect(outcome.ok ? null : outcome.error.toWire()).toEqual({ code: 503, err_code: 10077, description: "message too large" });
  });

  it("row 1: a header block over 65535 bytes is 10097", async () => {
    rig = await StoreRig.open();
    await rig.createStream({ name: "TEST", subjects: ["foo"], storage: "memory" });
    const view = rig.store.view("TEST");
    if (view === undefined) throw new Error("no view");
    const headers = buildHeaders([["X-Big", "v".repeat(65_535)]]);
    const outcome = checkMessage(
      { view, inflight: new StreamInflight(), nowNs: rig.clock.nowNs() },
      new StagedDiff(),
      { subject: "foo", rawSubject: "foo", headers, data: new Uint8Array(0) },
      0,
    );
    expect(outcome.ok ? null : outcome.error.toWire()).toEqual({
      code: 400,
      err_code: 10097,
      description: "header size exceeds maximum allowed of 64k",
    });
  });

  it("row 4: Nats-Expected-Stream naming another stream is 10060", async () => {
    rig = await StoreRig.open();
    await rig.createStream({ name: "TEST", subjects: ["foo"] });
    expect(await answer([["Nats-Expected-Stream", "OTHER"]])).toBe(errorBody("TEST", 400, 10060, "expected stream does not match"));
    expect(await answer([["Nats-Expected-Stream", "TEST"]])).toBe('{"stream":"TEST","seq":1}');
  });

  it("row 5: Nats-TTL follows nats-server's parse (0 is invalid, 00 means none, never is -1)", async () => {
    rig = await StoreRig.open();
    await rig.createStream({ name: "TEST", subjects: ["foo"] });
    expect(await answer([["Nats-TTL", "0"]])).toBe(errorBody("TEST", 400, 10166, "per-message TTL is disabled"));
    expect(await answer([["Nats-TTL", "00"]])).toBe('{"stream":"TEST","seq":1}');
    await rig.updateStream("TEST", { allow_msg_ttl: true });
    expect(await answer([["Nats-TTL", "0"]])).toBe(errorBody("TEST", 400, 10165, "invalid per-message TTL"));
    expect(await answer([["Nats-TTL", "1h"]])).toBe('{"stream":"TEST","seq":2}');
  });

  it("row 7: a client message carrying Nats-Stream-Source is 10227", async () => {
    rig = await StoreRig.open();
    await rig.createStream({ name: "TEST", subjects: ["foo"] });
    expect(await answer([["Nats-Stream-Source", "ORIGIN 1 > > foo"]])).toBe(
      errorBody("TEST", 400, 10227, "message stream source header is not allowed"),
    );
  });
});

describe("rows 10-17", () => {
  it("row 10: a non-numeric expected last sequence reads as 2^64-1 and fails with the real one", async () => {
    rig = await StoreRig.open();
    await rig.createStream({ name: "TEST", subjects: ["foo"] });
    expect(await answer([["Nats-Expected-Last-Sequence", "abc"]])).toBe(errorBody("TEST", 400, 10071, "wrong last sequence: 0"));
  });

  it("row 12: the subject filter without an expected sequence is 10193", async () => {
    rig = await StoreRig.open();
    await rig.createStream({ name: "TEST", subjects: ["foo"] });
    expect(await answer([["Nats-Expected-Last-Subject-Sequence-Subject", "foo"]])).toBe(
      errorBody("TEST", 400, 10193, "missing sequence for expected last sequence per subject"),
    );
  });

  it("rows 13-16: schedules are off, with nats-server's exact answers", async () => {
    rig = await StoreRig.open();
    await rig.createStream({ name: "TEST", subjects: ["foo", "bar"] });
    const off = errorBody("TEST", 400, 10188, "message schedules is disabled");
    const scheduler = errorBody("TEST", 400, 10212, "message schedules invalid scheduler");
    expect(await answer([["Nats-Schedule-Time-Zone", ""]])).toBe(off);
    expect(await answer([["Nats-Schedule-Time-Zone", "Mars/Olympus"]])).toBe(off);
    expect(await answer([["Nats-Schedule-Next", "later"]])).toBe(scheduler);
    expect(await answer([["Nats-Schedule-Next", "purge"]])).toBe(scheduler);
    expect(await answer([["Nats-Schedule-Next", "purge"], ["Nats-Scheduler", "foo"]])).toBe(scheduler);
    expect(await answer([["Nats-Schedule-Next", "purge"], ["Nats-Scheduler", "bar"]])).toBe(off);
    expect(await answer([["Nats-Scheduler", "bar"]])).toBe(scheduler);
    expect(await answer([["Nats-Schedule-Time-Zone", "Europe/Amsterdam"]])).toBe('{"stream":"TEST","seq":1}');
  });

  it("row 17: rollup values are case-insensitive and the error quotes the lowered value", async () => {
    rig = await StoreRig.open();
    await rig.createStream({ name: "TEST", subjects: ["foo"], allow_rollup_hdrs: true });
    expect(await answer([["Nats-Rollup", "SUB"]])).toBe('{"stream":"TEST","seq":1}');
    expect(await answer([["Nats-Rollup", "Bogus"]])).toBe(errorBody("TEST", 500, 10111, 'rollup value invalid: "bogus"'));
  });
});
