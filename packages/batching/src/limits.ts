/**
 * Named limits of atomic batch publishing, with the reason for each. The defaults are the ones
 * nats-server uses (spec §2); every one can be overridden through `BatchLimitsConfig`, where a
 * value of 0 or less means "use the default", as in nats-server's `jetstream.limits.batch` block.
 */
import { limits as streamLimits } from "@flotilla/stream";
import { assert } from "@flotilla/stream/internal";

/** BATCH_INACTIVITY_TIMEOUT_MS_DEFAULT: a batch with no new message for this long is abandoned
 * (advisory `timeout`). nats-server's `streamDefaultMaxBatchTimeout`; reset by every message. */
export const BATCH_INACTIVITY_TIMEOUT_MS_DEFAULT = 10_000;

/** BATCHES_INFLIGHT_PER_STREAM_MAX_DEFAULT bounds open batches on one stream, so one publisher
 * cannot hold unbounded staging memory (nats-server `streamMaxAtomicBatchInflightPerStream`). */
export const BATCHES_INFLIGHT_PER_STREAM_MAX_DEFAULT = 50;

/** BATCHES_INFLIGHT_TOTAL_MAX_DEFAULT bounds open batches across all streams of this server
 * (nats-server `streamMaxAtomicBatchInflightTotal`). */
export const BATCHES_INFLIGHT_TOTAL_MAX_DEFAULT = 1000;

/** BATCH_MSGS_MAX_DEFAULT bounds the messages of one batch; the `eob` marker is not counted
 * (nats-server `streamMaxAtomicBatchSize`). One batch is one Raft entry, so it must stay small. */
export const BATCH_MSGS_MAX_DEFAULT = 1000;

/** BATCH_BYTES_MAX_DEFAULT bounds the bytes (subject + headers + payload) of one batch. It is
 * Flotilla's own limit (design.md §7): one batch is one Raft entry, and an entry must fit the
 * Raft entry limit, so the effective value is never above it. */
export const BATCH_BYTES_MAX_DEFAULT = 64 * 1024 * 1024;

/** BATCH_ID_BYTES_MAX: a longer `Nats-Batch-Id` is refused with 10179 (hard-coded in nats-server). */
export const BATCH_ID_BYTES_MAX = 64;

/** HEADER_BYTES_MAX: nats-server encodes the header length as uint16, so a longer header block
 * is refused with 10097 before proposing (spec §4.2 row 1). */
export const HEADER_BYTES_MAX = 65_535;

/** FILE_RECORD_BYTES_MAX: the file store's bad-record threshold (`rlBadThresh`); a file-stream
 * message whose record would be larger is refused with 10077 `message too large` (row 0). */
export const FILE_RECORD_BYTES_MAX = 32 * 1024 * 1024;

/** JS_API_LEVEL is the JetStream API level this server claims (`JSApiLevel` = 5 at the spec's
 * nats-server HEAD); `Nats-Required-Api-Level` above it abandons a batch with 10185. */
export const JS_API_LEVEL = 5;

/** RAFT_ENTRY_BYTES_MAX_DEFAULT is the entry limit assumed when the server does not pass its own. */
export const RAFT_ENTRY_BYTES_MAX_DEFAULT = 64 * 1024 * 1024;

/** BatchLimits are the resolved (all positive) limits the batching leader enforces. */
export interface BatchLimits {
  readonly batchInactivityTimeoutMs: number;
  readonly batchesInflightPerStreamMax: number;
  readonly batchesInflightTotalMax: number;
  readonly batchMsgsMax: number;
  /** Invariant: batchBytesMax <= raftEntryBytesMax. */
  readonly batchBytesMax: number;
  readonly raftEntryBytesMax: number;
}

/** BatchLimitsConfig is the operator's configuration; missing or <= 0 values take the default. */
export type BatchLimitsConfig = Partial<BatchLimits>;

function positiveOr(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) && value > 0 ? Math.floor(value) : fallback;
}

/** resolveBatchLimits fills defaults and caps the batch byte limit at the Raft entry limit. */
export function resolveBatchLimits(config: BatchLimitsConfig = {}): BatchLimits {
  const raftEntryBytesMax = positiveOr(config.raftEntryBytesMax, RAFT_ENTRY_BYTES_MAX_DEFAULT);
  const batchBytesMax = Math.min(
    positiveOr(config.batchBytesMax, BATCH_BYTES_MAX_DEFAULT),
    raftEntryBytesMax,
  );
  const limits: BatchLimits = {
    batchInactivityTimeoutMs: positiveOr(
      config.batchInactivityTimeoutMs,
      BATCH_INACTIVITY_TIMEOUT_MS_DEFAULT,
    ),
    batchesInflightPerStreamMax: positiveOr(
      config.batchesInflightPerStreamMax,
      BATCHES_INFLIGHT_PER_STREAM_MAX_DEFAULT,
    ),
    batchesInflightTotalMax: positiveOr(
      config.batchesInflightTotalMax,
      BATCHES_INFLIGHT_TOTAL_MAX_DEFAULT,
    ),
    // The stream op codec refuses batch ops above its hard bound, so a batch never exceeds it.
    batchMsgsMax: Math.min(positiveOr(config.batchMsgsMax, BATCH_MSGS_MAX_DEFAULT), streamLimits.BATCH_MSGS_MAX_HARD),
    batchBytesMax,
    raftEntryBytesMax,
  };
  assert(limits.batchBytesMax <= limits.raftEntryBytesMax, "batch bytes above raft entry limit");
  assert(limits.batchMsgsMax >= 1, "a batch must hold at least one message");
  return limits;
}

assert(BATCH_BYTES_MAX_DEFAULT <= RAFT_ENTRY_BYTES_MAX_DEFAULT, "default batch bytes above entry limit");
assert(BATCHES_INFLIGHT_PER_STREAM_MAX_DEFAULT <= BATCHES_INFLIGHT_TOTAL_MAX_DEFAULT, "per-stream above total");
assert(HEADER_BYTES_MAX < FILE_RECORD_BYTES_MAX, "header limit must fit a file record");
