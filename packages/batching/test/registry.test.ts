/**
 * The batch registry on its own (spec §5.2, §9 item 18): every way a batch ends gives back its
 * in-flight slot exactly once, timers fire at most once, and the limits count open batches.
 */
import { describe, expect, it } from "vitest";
import { BatchRegistry, ManualClock, resolveBatchLimits, type AtomicBatch } from "@flotilla/batching/internal";

function setup(limits = {}) {
  const clock = new ManualClock();
  const timedOut: AtomicBatch[] = [];
  const registry = new BatchRegistry(resolveBatchLimits(limits), clock, clock, (b) => timedOut.push(b));
  return { clock, registry, timedOut };
}

function open(registry: BatchRegistry, stream: string, id: string): AtomicBatch {
  const opened = registry.open(stream, id);
  if (!opened.ok) throw new Error(`open refused: ${opened.reason}`);
  return opened.batch;
}

describe("BatchRegistry", () => {
  it("releases a batch once, however many times release is called", () => {
    const { registry, clock } = setup();
    const batch = open(registry, "S", "a");
    open(registry, "S", "b");
    registry.release(batch);
    registry.release(batch);
    expect(registry.inflightTotal).toBe(1);
    expect(registry.batchIds("S")).toEqual(["b"]);
    clock.advance(60_000);
    expect(registry.inflightTotal).toBe(0);
  });

  it("fires the timeout once and never for a released batch", () => {
    const { registry, clock, timedOut } = setup({ batchInactivityTimeoutMs: 100 });
    const a = open(registry, "S", "a");
    const b = open(registry, "S", "b");
    registry.release(b);
    clock.advance(100);
    clock.advance(100);
    expect(timedOut).toEqual([a]);
    expect(a.released).toBe(true);
  });

  it("refuses per stream, then in total, and reopens after a release", () => {
    const { registry } = setup({ batchesInflightPerStreamMax: 2, batchesInflightTotalMax: 3 });
    open(registry, "S", "a");
    const b = open(registry, "S", "b");
    expect(registry.open("S", "c")).toEqual({ ok: false, reason: "inflight-per-stream" });
    open(registry, "T", "a");
    expect(registry.open("U", "a")).toEqual({ ok: false, reason: "inflight-total" });
    registry.release(b);
    expect(registry.open("U", "a").ok).toBe(true);
  });

  it("drops a stream's batches or all batches, counting each once", () => {
    const { registry } = setup();
    open(registry, "S", "a");
    open(registry, "S", "b");
    open(registry, "T", "a");
    expect(registry.releaseStream("S")).toBe(2);
    expect(registry.inflightOn("S")).toBe(0);
    expect(registry.releaseAll()).toBe(1);
    expect(registry.inflightTotal).toBe(0);
  });

  it("touch reports a batch whose deadline passed before its timer ran", () => {
    const { registry, clock } = setup({ batchInactivityTimeoutMs: 100 });
    const batch = open(registry, "S", "a");
    clock.advance(50);
    expect(registry.touch(batch)).toBe(true);
    expect(batch.deadlineMs).toBe(clock.nowMs() + 100);
  });
});
