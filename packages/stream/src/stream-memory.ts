/**
 * stream-memory.ts: the in-memory state of one stream (sequence state, message index,
 * per-subject index, TTL heap, dedupe window) and the primitive mutations apply is built from.
 *
 * Every mutation changes memory and appends the matching Level operations to the caller's
 * `LevelOp[]`, which the store writes as ONE batch together with the applied Raft index.
 * Memory is the index, Level is the data; `open` and `restore` rebuild memory from Level.
 */
import { assert, fail } from "./assert";
import type { StreamConfig } from "./config-types";
import { DedupeWindow, type WindowEntry } from "./dedupe-window";
import { configKey, dedupeKey, messageKey, seqStateKey, streamKeyPrefix, type StreamKeyPrefix } from "./keys";
import type { LevelOp, MessageReader } from "./level-types";
import { decodeMessageRecord, encodeMessageRecord, encodeSeqState, encodeU64Value } from "./records";
import { SeqList } from "./seq-list";
import { isWildcardFilter, subjectMatches } from "./subjects";
import { TtlHeap } from "./ttl-heap";
import { messageSize, type DedupeEntry, type StoredMessage, type StreamState, type StreamView } from "./view";
import type { Bytes, Nanos, Seq } from "./units";

/** MsgMeta is what memory keeps of each stored message. */
export interface MsgMeta {
  subject: string;
  sizeBytes: Bytes;
  timestampNs: Nanos;
  /** ttlDeadlineNs: 0n none, -1n never expires, else the Unix time it expires at. */
  ttlDeadlineNs: Nanos;
}

/** NewMessage is a message about to be stored. */
export interface NewMessage {
  seq: Seq;
  timestampNs: Nanos;
  subject: string;
  headers: Uint8Array | null;
  data: Uint8Array;
  ttlDeadlineNs: Nanos;
  msgId?: string;
}

const utf8 = new TextEncoder();

/** StreamMemory is one stream's applied state. Invariant: memory mirrors what Level holds. */
export class StreamMemory implements StreamView {
  readonly prefix: StreamKeyPrefix;
  config: StreamConfig;
  /** firstSeq: the lowest stored sequence, or lastSeq + 1 once messages were removed. */
  firstSeq: Seq;
  lastSeq: Seq;
  lastTimestampNs: Nanos = 0n;
  /** lastMsgIdValue: the msgId of the last message stored ("" when it had none). */
  lastMsgIdValue = "";
  bytes: Bytes = 0;
  readonly messages = new Map<Seq, MsgMeta>();
  readonly subjects = new Map<string, SeqList>();
  readonly ttl = new TtlHeap();
  readonly window = new DedupeWindow();

  constructor(
    config: StreamConfig,
    private readonly reader: MessageReader,
  ) {
    this.prefix = streamKeyPrefix(config.name);
    this.config = config;
    const firstSeqConfigured = config.first_seq ?? 0;
    this.firstSeq = firstSeqConfigured;
    this.lastSeq = firstSeqConfigured > 0 ? firstSeqConfigured - 1 : 0;
  }

  // ----- StreamView -------------------------------------------------------------------------

  state(): StreamState {
    const messages = this.messages.size;
    const first = this.messages.get(this.firstSeq);
    return {
      messages,
      bytes: this.bytes,
      first_seq: this.firstSeq,
      last_seq: this.lastSeq,
      first_ts: first?.timestampNs ?? 0n,
      last_ts: this.lastTimestampNs,
      num_subjects: this.subjects.size,
      num_deleted: messages === 0 ? 0 : this.lastSeq - this.firstSeq + 1 - messages,
    };
  }

  subjectLastSeq(subjectOrFilter: string): Seq {
    if (!isWildcardFilter(subjectOrFilter)) return this.subjects.get(subjectOrFilter)?.last() ?? 0;
    let best = 0;
    for (const [subject, seqs] of this.subjects) {
      if (seqs.last() > best && subjectMatches(subjectOrFilter, subject)) best = seqs.last();
    }
    return best;
  }

  subjectMsgCount(subject: string): number {
    return this.subjects.get(subject)?.size ?? 0;
  }

  subjectCounts(filter?: string): Map<string, number> {
    const counts = new Map<string, number>();
    for (const [subject, seqs] of this.subjects) {
      if (filter === undefined || subjectMatches(filter, subject)) counts.set(subject, seqs.size);
    }
    return counts;
  }

  dedupe(msgId: string, nowNs?: Nanos): DedupeEntry | undefined {
    const entry = this.window.get(msgId);
    if (entry === undefined || nowNs === undefined) return entry;
    return entry.timestampNs <= nowNs - BigInt(this.config.duplicate_window) ? undefined : entry;
  }

  lastMsgId(): string {
    return this.lastMsgIdValue;
  }

  nextSeq(fromSeq: Seq, filter?: string): Seq {
    const start = Math.max(fromSeq, this.firstSeq, 1);
    if (filter === undefined || filter === ">") {
      for (let seq = start; seq <= this.lastSeq; seq++) if (this.messages.has(seq)) return seq;
      return 0;
    }
    if (!isWildcardFilter(filter)) return this.subjects.get(filter)?.lowerBound(start) ?? 0;
    let best = 0;
    for (const [subject, seqs] of this.subjects) {
      if (!subjectMatches(filter, subject)) continue;
      const candidate = seqs.lowerBound(start);
      if (candidate !== 0 && (best === 0 || candidate < best)) best = candidate;
    }
    return best;
  }

  async getMessage(seq: Seq): Promise<StoredMessage | undefined> {
    if (!this.messages.has(seq)) return undefined;
    const bytes = await this.reader.readValue(messageKey(this.prefix, seq));
    // The message may have been removed by an apply that ran while we waited.
    return bytes === undefined ? undefined : decodeMessageRecord(seq, bytes);
  }

  async lastMessage(subjectOrFilter: string): Promise<StoredMessage | undefined> {
    const seq = this.subjectLastSeq(subjectOrFilter);
    return seq === 0 ? undefined : this.getMessage(seq);
  }

  // ----- mutations (memory + Level ops) -----------------------------------------------------

  /** indexMessage adds a message to memory only (used by store, open and restore). */
  indexMessage(seq: Seq, meta: MsgMeta): void {
    if (this.messages.has(seq)) fail(`indexMessage: seq ${seq} already stored`);
    if (this.messages.size === 0) this.firstSeq = seq;
    let seqs = this.subjects.get(meta.subject);
    if (seqs === undefined) {
      seqs = new SeqList(meta.subject);
      this.subjects.set(meta.subject, seqs);
    }
    // Every message of a subject shares the index's copy of the subject string.
    meta.subject = seqs.label;
    this.messages.set(seq, meta);
    this.bytes += meta.sizeBytes;
    seqs.push(seq);
    if (meta.ttlDeadlineNs > 0n) this.ttl.push(meta.ttlDeadlineNs, seq);
  }

  /** storeMessage stores a new message at lastSeq + 1. */
  storeMessage(ops: LevelOp[], msg: NewMessage): void {
    if (msg.seq !== this.lastSeq + 1) fail(`storeMessage: seq ${msg.seq} is not last ${this.lastSeq} + 1`);
    const sizeBytes = messageSize(this.config.storage, msg.subject, msg.headers, msg.data);
    this.indexMessage(msg.seq, {
      subject: msg.subject,
      sizeBytes,
      timestampNs: msg.timestampNs,
      ttlDeadlineNs: msg.ttlDeadlineNs,
    });
    this.lastSeq = msg.seq;
    this.lastTimestampNs = msg.timestampNs;
    this.lastMsgIdValue = msg.msgId ?? "";
    ops.push({ type: "put", key: messageKey(this.prefix, msg.seq), value: encodeMessageRecord(msg) });
  }

  /** removeMessage removes a stored message; returns false when there is none at `seq`. */
  removeMessage(ops: LevelOp[], seq: Seq): boolean {
    const meta = this.messages.get(seq);
    if (meta === undefined) return false;
    this.messages.delete(seq);
    this.bytes -= meta.sizeBytes;
    const seqs = this.subjects.get(meta.subject);
    if (seqs === undefined || !seqs.remove(seq)) fail(`removeMessage: ${seq} missing from subject index`);
    if (seqs.size === 0) this.subjects.delete(meta.subject);
    ops.push({ type: "del", key: messageKey(this.prefix, seq) });
    if (this.messages.size === 0) {
      this.firstSeq = this.lastSeq + 1;
    } else if (seq === this.firstSeq) {
      while (!this.messages.has(this.firstSeq)) this.firstSeq += 1;
    }
    assert(this.bytes >= 0, "removeMessage: bytes went negative");
    return true;
  }

  /** resetSequences sets first/last after a purge that removed every message. */
  resetSequences(firstSeq: Seq, lastSeq: Seq): void {
    assert(this.messages.size === 0, "resetSequences with messages stored");
    assert(firstSeq === lastSeq + 1, "resetSequences: first must be last + 1");
    this.firstSeq = firstSeq;
    this.lastSeq = lastSeq;
  }

  /** addDedupe remembers `msgId`, replacing an older entry for the same id. */
  addDedupe(ops: LevelOp[], msgId: string, seq: Seq, timestampNs: Nanos): void {
    const previous = this.window.remove(msgId);
    if (previous !== undefined) {
      ops.push({ type: "del", key: dedupeKey(this.prefix, previous.timestampNs, msgId) });
    }
    this.window.add({ msgId, seq, timestampNs });
    ops.push({ type: "put", key: dedupeKey(this.prefix, timestampNs, msgId), value: encodeU64Value(seq) });
  }

  /** pruneDedupe forgets every id whose time is at least duplicate_window before `nowNs`. */
  pruneDedupe(ops: LevelOp[], nowNs: Nanos): number {
    const cutoffNs = nowNs - BigInt(this.config.duplicate_window);
    const removed: WindowEntry[] = this.window.pruneBefore(cutoffNs);
    for (const entry of removed) {
      ops.push({ type: "del", key: dedupeKey(this.prefix, entry.timestampNs, entry.msgId) });
    }
    return removed.length;
  }

  /** seqStateOp is the Level put that persists first/last sequence and last time. */
  seqStateOp(): LevelOp {
    const value = encodeSeqState({
      firstSeq: this.firstSeq,
      lastSeq: this.lastSeq,
      lastTimestampNs: this.lastTimestampNs,
      lastMsgId: this.lastMsgIdValue,
    });
    return { type: "put", key: seqStateKey(this.prefix), value };
  }

  /** configOp is the Level put that persists the configuration. */
  configOp(): LevelOp {
    return { type: "put", key: configKey(this.prefix), value: utf8.encode(JSON.stringify(this.config)) };
  }

  /**
   * nextExpiryNs returns the earliest time at which an `expire` op would remove something
   * (a TTL deadline, the oldest message reaching max_age, or the oldest dedupe entry leaving
   * the window), or undefined when nothing will ever expire. The leader uses it to decide
   * when to propose `expire`.
   */
  nextExpiryNs(): Nanos | undefined {
    const candidates: Nanos[] = [];
    const ttlNs = this.ttl.peekDeadline();
    if (ttlNs !== undefined) candidates.push(ttlNs);
    if (this.config.max_age > 0) {
      for (let seq = this.firstSeq; seq <= this.lastSeq && this.messages.size > 0; seq++) {
        const meta = this.messages.get(seq);
        if (meta === undefined || meta.ttlDeadlineNs === -1n) continue;
        candidates.push(meta.timestampNs + BigInt(this.config.max_age));
        break;
      }
    }
    const oldest = this.window.oldest();
    if (oldest !== undefined) candidates.push(oldest.timestampNs + BigInt(this.config.duplicate_window));
    return candidates.length === 0 ? undefined : candidates.reduce((a, b) => (b < a ? b : a));
  }

  /** deleteAllOps returns the Level deletes that remove every key of this stream. */
  deleteAllOps(): LevelOp[] {
    const ops: LevelOp[] = [];
    for (const seq of this.messages.keys()) ops.push({ type: "del", key: messageKey(this.prefix, seq) });
    for (const entry of this.window.entries()) {
      ops.push({ type: "del", key: dedupeKey(this.prefix, entry.timestampNs, entry.msgId) });
    }
    ops.push({ type: "del", key: seqStateKey(this.prefix) }, { type: "del", key: configKey(this.prefix) });
    return ops;
  }
}
