/**
 * The atomic batch registry (spec §5.1, §5.2): open batches per stream, the per-stream and
 * per-server in-flight limits, and one inactivity timer per batch. A batch is released exactly
 * once, whatever path ends it (commit, abandonment, timeout, leadership loss, stream change), so
 * the counters cannot drift (spec §9 item 18).
 */
import { assert } from "@flotilla/stream/internal";
import type { Clock, Scheduler, TimerHandle } from "./clock";
import type { BatchLimits } from "./limits";

/** StagedMessage is one accepted batch message, held on the leader until commit. */
export interface StagedMessage {
  readonly subject: string;
  /** headers as they will be stored (Nats-Required-Api-Level already stripped). */
  readonly headers: Uint8Array | null;
  readonly data: Uint8Array;
}

/** AtomicBatch is one open batch on one stream. */
export class AtomicBatch {
  /** lseq is the batch sequence of the last accepted message. Invariant: between messages,
   * lseq === msgs.length (only a committing `eob` marker is counted and not staged). */
  lseq = 0;
  readonly msgs: StagedMessage[] = [];
  /** bytes counts subject + headers + payload of the staged messages. */
  bytes = 0;
  /** deadlineMs is when the batch times out; a message arriving at or after it is late. The
   * armed timer may be due earlier (touch moves only this field); it re-checks when it fires. */
  deadlineMs: number;
  /** timer is null once the batch has been released. Invariant: released ⇔ timer === null. */
  timer: TimerHandle | null = null;

  constructor(
    readonly stream: string,
    readonly id: string,
    deadlineMs: number,
  ) {
    this.deadlineMs = deadlineMs;
  }

  /** released reports whether cleanup already ran for this batch. */
  get released(): boolean {
    return this.timer === null;
  }
}

/** OpenResult is the outcome of trying to start a batch. */
export type OpenResult =
  | { readonly ok: true; readonly batch: AtomicBatch }
  | { readonly ok: false; readonly reason: "inflight-per-stream" | "inflight-total" };

/** BatchRegistry owns every open batch of this leader. */
export class BatchRegistry {
  private readonly byStream = new Map<string, Map<string, AtomicBatch>>();
  private total = 0;

  constructor(
    private readonly limits: BatchLimits,
    private readonly clock: Clock,
    private readonly scheduler: Scheduler,
    private readonly onTimeout: (batch: AtomicBatch) => void,
  ) {}

  /** find returns the open batch `id` on `stream`, if any. */
  find(stream: string, id: string): AtomicBatch | undefined {
    return this.byStream.get(stream)?.get(id);
  }

  /** open starts a batch unless the per-stream or per-server in-flight limit would be exceeded. */
  open(stream: string, id: string): OpenResult {
    assert(this.find(stream, id) === undefined, "batch already open");
    const batches = this.byStream.get(stream) ?? new Map<string, AtomicBatch>();
    if (batches.size + 1 > this.limits.batchesInflightPerStreamMax) {
      return { ok: false, reason: "inflight-per-stream" };
    }
    if (this.total + 1 > this.limits.batchesInflightTotalMax) {
      return { ok: false, reason: "inflight-total" };
    }
    const batch = new AtomicBatch(stream, id, this.deadline());
    batch.timer = this.armTimer(batch);
    batches.set(id, batch);
    this.byStream.set(stream, batches);
    this.total += 1;
    this.checkCounts();
    return { ok: true, batch };
  }

  /**
   * touch pushes the inactivity deadline out; false when the batch was already past it. The
   * armed timer is left alone: when it fires it re-checks the deadline and re-arms for the time
   * left, so a busy batch costs one timer per timeout period, not one per message.
   */
  touch(batch: AtomicBatch): boolean {
    assert(!batch.released, "touch of a released batch");
    const late = this.clock.nowMs() >= batch.deadlineMs;
    batch.deadlineMs = this.deadline();
    return !late;
  }

  /** release removes the batch and gives back its in-flight slot; a second call does nothing. */
  release(batch: AtomicBatch): void {
    if (batch.timer === null) return;
    batch.timer.cancel();
    batch.timer = null;
    const batches = this.byStream.get(batch.stream);
    assert(batches?.get(batch.id) === batch, "released batch not registered");
    batches.delete(batch.id);
    if (batches.size === 0) this.byStream.delete(batch.stream);
    this.total -= 1;
    this.checkCounts();
  }

  /** releaseStream drops every batch of `stream` without advisories; returns how many. */
  releaseStream(stream: string): number {
    const batches = [...(this.byStream.get(stream)?.values() ?? [])];
    for (const batch of batches) this.release(batch);
    return batches.length;
  }

  /** releaseAll drops every batch of every stream (leadership lost); returns how many. */
  releaseAll(): number {
    let released = 0;
    for (const stream of [...this.byStream.keys()]) released += this.releaseStream(stream);
    assert(this.total === 0, "batches left after releaseAll");
    return released;
  }

  /** inflightTotal is the number of open batches across all streams. */
  get inflightTotal(): number {
    return this.total;
  }

  /** inflightOn is the number of open batches on `stream`. */
  inflightOn(stream: string): number {
    return this.byStream.get(stream)?.size ?? 0;
  }

  /** batchIds lists the open batch ids of `stream` (for inspection and tests). */
  batchIds(stream: string): string[] {
    return [...(this.byStream.get(stream)?.keys() ?? [])];
  }

  private deadline(): number {
    return this.clock.nowMs() + this.limits.batchInactivityTimeoutMs;
  }

  /** armTimer schedules the deadline check; a deadline moved by touch re-arms for the rest. */
  private armTimer(batch: AtomicBatch, delayMs = this.limits.batchInactivityTimeoutMs): TimerHandle {
    return this.scheduler.schedule(delayMs, () => {
      if (batch.released) return;
      const remainingMs = batch.deadlineMs - this.clock.nowMs();
      if (remainingMs > 0) {
        batch.timer = this.armTimer(batch, remainingMs);
        return;
      }
      this.release(batch);
      this.onTimeout(batch);
    });
  }

  private checkCounts(): void {
    let sum = 0;
    for (const batches of this.byStream.values()) sum += batches.size;
    assert(sum === this.total, "in-flight batch counter drifted");
    assert(this.total <= this.limits.batchesInflightTotalMax, "in-flight batches above limit");
  }
}
