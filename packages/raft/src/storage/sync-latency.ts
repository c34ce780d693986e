/**
 * How long the synced batches of `persist` take: a durable log commits no faster than its fsyncs,
 * and a slow or contended disk shows here before anywhere else (etcd exports the same as
 * wal_fsync_duration_seconds).
 *
 * The histogram has fixed buckets and only ever counts up, as monitoring systems scrape it: the
 * difference of two reads is the exact distribution of the syncs between them (what bench:raft
 * reports per case). Node's built-in HDR histogram has finer percentiles but cannot be
 * subtracted, so it cannot say how one window of time behaved.
 */
import { assert } from "../assert";

/** SYNC_LATENCY_BUCKETS_MS: bucket upper bounds, doubling from 1/8 ms (an SSD's fdatasync) to ~1 s. */
export const SYNC_LATENCY_BUCKETS_MS: readonly number[] = [0.125, 0.25, 0.5, 1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024];

/** SyncLatencyHistogram is a reading of the histogram since the storage was opened. */
export interface SyncLatencyHistogram {
  readonly count: number;
  readonly sumMs: number;
  /**
   * atMost[i]: syncs that took at most SYNC_LATENCY_BUCKETS_MS[i] (cumulative, like Prometheus's
   * `le` buckets); syncs slower than the last bound appear only in `count`.
   */
  readonly atMost: readonly number[];
}

/** SyncLatency records sync durations into SYNC_LATENCY_BUCKETS_MS. */
export class SyncLatency {
  private readonly perBucket = new Array<number>(SYNC_LATENCY_BUCKETS_MS.length).fill(0);
  private recorded = 0;
  private sumMs = 0;

  /** count is the number of durations recorded. */
  get count(): number {
    return this.recorded;
  }

  record(ms: number): void {
    assert(Number.isFinite(ms) && ms >= 0, "a sync duration is a finite non-negative number of ms");
    this.recorded++;
    this.sumMs += ms;
    const bucket = SYNC_LATENCY_BUCKETS_MS.findIndex((bound) => ms <= bound);
    if (bucket >= 0) this.perBucket[bucket]!++;
  }

  read(): SyncLatencyHistogram {
    let running = 0;
    const atMost = this.perBucket.map((n) => (running += n));
    return { count: this.recorded, sumMs: this.sumMs, atMost };
  }
}

/** SyncLatencyDelta summarizes the syncs between two reads of a histogram. */
export interface SyncLatencyDelta {
  readonly count: number;
  readonly meanMs: number;
  /** shareOver: the fraction of those syncs slower than the `overMs` asked for (a bucket bound). */
  readonly shareOver: number;
}

/**
 * syncLatencyBetween returns the count, mean and share slower than `overMs` of the syncs recorded
 * between `before` and `after`. `overMs` must be one of SYNC_LATENCY_BUCKETS_MS.
 */
export function syncLatencyBetween(before: SyncLatencyHistogram, after: SyncLatencyHistogram, overMs: number): SyncLatencyDelta {
  const bucket = SYNC_LATENCY_BUCKETS_MS.indexOf(overMs);
  if (bucket < 0) throw new RangeError(`${overMs} ms is not a bucket bound (${SYNC_LATENCY_BUCKETS_MS.join(", ")})`);
  const count = after.count - before.count;
  if (count < 0) throw new RangeError("the later reading has fewer syncs than the earlier one");
  if (count === 0) return { count: 0, meanMs: 0, shareOver: 0 };
  const atMost = after.atMost[bucket]! - before.atMost[bucket]!;
  return { count, meanMs: (after.sumMs - before.sumMs) / count, shareOver: (count - atMost) / count };
}
