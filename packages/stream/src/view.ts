/**
 * view.ts: the read interface the leader's checks use (packages/batching) and the message
 * accounting formula. Everything synchronous here is answered from memory; the state is
 * rebuilt from the store on open and on restore, and moved forward by every apply.
 */
import type { StreamConfig, StorageType } from "./config-types";
import type { Bytes, Nanos, Seq } from "./units";

/**
 * StreamState is a stream's message state. `first_ts` / `last_ts` are Unix nanoseconds (0n when
 * there is no such message); `num_deleted` counts the gaps between first_seq and last_seq.
 * An empty stream that once held messages has first_seq = last_seq + 1, as in nats-server.
 */
export interface StreamState {
  messages: number;
  bytes: Bytes;
  first_seq: Seq;
  last_seq: Seq;
  first_ts: Nanos;
  last_ts: Nanos;
  num_subjects: number;
  num_deleted: number;
}

/** DedupeEntry is what the dedupe window remembers of one `Nats-Msg-Id`. */
export interface DedupeEntry {
  seq: Seq;
  timestampNs: Nanos;
}

/** StoredMessage is one message as stored, read back by sequence or subject. */
export interface StoredMessage {
  seq: Seq;
  subject: string;
  headers: Uint8Array | null;
  data: Uint8Array;
  timestampNs: Nanos;
  /** ttlDeadlineNs: when a Nats-TTL makes it expire; 0n = no TTL; -1n = never (exempt from max_age). */
  ttlDeadlineNs: Nanos;
}

/** StreamView is the read side of one stream's applied state. */
export interface StreamView {
  /** config is the stream's current, validated configuration. */
  readonly config: StreamConfig;
  /** lastSeq is the last sequence ever assigned (0 for a new stream). */
  readonly lastSeq: Seq;
  /** state returns the current message state. */
  state(): StreamState;
  /**
   * subjectLastSeq returns the sequence of the last message on a literal subject, or on any
   * subject matched by a wildcard filter; 0 when there is none.
   */
  subjectLastSeq(subjectOrFilter: string): Seq;
  /** subjectMsgCount returns how many messages a literal subject holds. */
  subjectMsgCount(subject: string): number;
  /**
   * subjectCounts returns the message count of every subject matching `filter` (all subjects
   * without one), for stream info's `subjects` and KV key listings. O(number of subjects).
   */
  subjectCounts(filter?: string): Map<string, number>;
  /**
   * dedupe returns the window entry for `msgId`. Entries leave the window when an applied
   * entry's time passes them, so without `nowNs` an entry older than duplicate_window may
   * still be returned; with `nowNs` (the leader's clock) such an entry counts as gone.
   */
  dedupe(msgId: string, nowNs?: Nanos): DedupeEntry | undefined;
  /**
   * lastMsgId returns the Nats-Msg-Id of the last message stored ("" when it had none), for
   * `Nats-Expected-Last-Msg-Id`. Kept when that message is later removed, as nats-server does.
   */
  lastMsgId(): string;
  /**
   * nextSeq returns the lowest stored sequence >= fromSeq, on subjects matching `filter` when
   * given; 0 when there is none (consumers, direct get next_by_subj).
   */
  nextSeq(fromSeq: Seq, filter?: string): Seq;
  /** getMessage reads the message at `seq`, or undefined when it does not exist. */
  getMessage(seq: Seq): Promise<StoredMessage | undefined>;
  /** lastMessage reads the last message on a subject or filter, or undefined. */
  lastMessage(subjectOrFilter: string): Promise<StoredMessage | undefined>;
}

const utf8 = new TextEncoder();

/** FILE_RECORD_OVERHEAD_BYTES: nats-server file store record overhead (22 header + 8 hash). */
const FILE_RECORD_OVERHEAD_BYTES = 22 + 8;
/** FILE_HEADER_LENGTH_BYTES: the u32 header length a file record with headers carries. */
const FILE_HEADER_LENGTH_BYTES = 4;
/** MEMORY_RECORD_OVERHEAD_BYTES: nats-server memory store per-message overhead. */
const MEMORY_RECORD_OVERHEAD_BYTES = 16;

/** subjectByteLength returns the UTF-8 length of a subject or message id (ASCII fast path). */
export function subjectByteLength(subject: string): Bytes {
  // Pure ASCII subjects are the norm; their length in characters is their length in bytes.
  for (let i = 0; i < subject.length; i++) {
    if (subject.charCodeAt(i) > 0x7f) return utf8.encode(subject).length;
  }
  return subject.length;
}

/**
 * messageSize is nats-server's stored-size accounting (spec §4.2 row 18): file storage
 * 22 + subject + msg + 8, plus 4 + headers when there are headers; memory storage
 * subject + headers + msg + 16. It is what `bytes`, max_bytes and discard-new count.
 */
export function messageSize(
  storage: StorageType,
  subject: string,
  headers: Uint8Array | null,
  data: Uint8Array,
): Bytes {
  return messageSizeFromLengths(storage, subjectByteLength(subject), headers?.length ?? 0, data.length);
}

/** messageSizeFromLengths is messageSize given the byte lengths of the three parts. */
export function messageSizeFromLengths(
  storage: StorageType,
  subjectBytes: Bytes,
  headerBytes: Bytes,
  dataBytes: Bytes,
): Bytes {
  if (storage === "memory") return subjectBytes + headerBytes + dataBytes + MEMORY_RECORD_OVERHEAD_BYTES;
  const withHeaders = headerBytes > 0 ? FILE_HEADER_LENGTH_BYTES + headerBytes : 0;
  return FILE_RECORD_OVERHEAD_BYTES + subjectBytes + withHeaders + dataBytes;
}
