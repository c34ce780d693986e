/**
 * limits.ts: every named bound of the stream package, with the reason for its value.
 */
import { assert } from "./assert";

/** STREAM_NAME_BYTES_MAX: nats-server JSMaxNameLen; names are also file and key components. */
export const STREAM_NAME_BYTES_MAX = 255;

/** STREAM_DESCRIPTION_BYTES_MAX: nats-server JSMaxDescriptionLen (4 KiB). */
export const STREAM_DESCRIPTION_BYTES_MAX = 4 * 1024;

/** STREAM_METADATA_BYTES_MAX: nats-server JSMaxMetadataLen (sum of key and value lengths). */
export const STREAM_METADATA_BYTES_MAX = 128 * 1024;

/** STREAM_REPLICAS_MAX: nats-server StreamMaxReplicas. */
export const STREAM_REPLICAS_MAX = 5;

/** DUPLICATE_WINDOW_DEFAULT_NS: nats-server StreamDefaultDuplicatesWindow, 2 minutes. */
export const DUPLICATE_WINDOW_DEFAULT_NS = 2 * 60 * 1_000_000_000;

/** DURATION_MIN_NS: nats-server refuses max_age and duplicate_window below 100 ms. */
export const DURATION_MIN_NS = 100 * 1_000_000;

/** SUBJECT_DELETE_MARKER_TTL_MIN_NS: nats-server refuses marker TTLs below 1 s. */
export const SUBJECT_DELETE_MARKER_TTL_MIN_NS = 1_000_000_000;

/**
 * SNAPSHOT_CHUNK_BYTES_MAX bounds one snapshot chunk (header included), so a Raft snapshot
 * transfer never needs more than this much memory per chunk on either side.
 */
export const SNAPSHOT_CHUNK_BYTES_MAX = 4 * 1024 * 1024;

/** SNAPSHOT_CHUNK_HEADER_BYTES: magic u32, kind u8, index u32, length u32, crc32c u32. */
export const SNAPSHOT_CHUNK_HEADER_BYTES = 17;

/**
 * SNAPSHOT_RECORD_BYTES_MAX bounds one key/value record inside a snapshot chunk. A record never
 * spans chunks, so it must fit one chunk with its two u32 length prefixes.
 */
export const SNAPSHOT_RECORD_BYTES_MAX = SNAPSHOT_CHUNK_BYTES_MAX - SNAPSHOT_CHUNK_HEADER_BYTES - 8;

/**
 * MESSAGE_BYTES_MAX bounds one stored message (subject + headers + payload): twice NATS's 1 MiB
 * default max_payload, and small enough that every stored record fits one snapshot chunk.
 */
export const MESSAGE_BYTES_MAX = 2 * 1024 * 1024;

/** SUBJECT_BYTES_MAX: subjects are stored with a u16 length prefix. */
export const SUBJECT_BYTES_MAX = 65535;

/** MSG_ID_BYTES_MAX: message ids are stored with a u16 length prefix in dedupe keys. */
export const MSG_ID_BYTES_MAX = 1024;

/** BATCH_MSGS_MAX_HARD: the codec refuses batch ops with more messages than this (design §7). */
export const BATCH_MSGS_MAX_HARD = 100_000;

/**
 * TTL_HEAP_SLACK_ENTRIES: TTL heap entries of removed messages are dropped lazily; once the
 * heap holds this many more entries than twice the stream's messages, it is rebuilt, so purged
 * TTL messages cannot make it grow without bound.
 */
export const TTL_HEAP_SLACK_ENTRIES = 1024;

/** OP_CODEC_VERSION: the first byte of every encoded op. */
export const OP_CODEC_VERSION = 1;

assert(SNAPSHOT_RECORD_BYTES_MAX > MESSAGE_BYTES_MAX + 4096, "a message record fits one chunk");
assert(DURATION_MIN_NS < DUPLICATE_WINDOW_DEFAULT_NS, "default dedupe window above minimum");
