/**
 * model.ts: a deliberately naive reference model of one stream (arrays and linear scans), used
 * by the property test to check the optimized store. It follows the rules of README.md
 * directly, without sharing any code with src/ except the nats-server size formula and the
 * subject matcher.
 */
import { messageSize, subjectMatches, type StreamConfig } from "../src/index";

export interface ModelMsg {
  seq: number;
  subject: string;
  headers: Uint8Array | null;
  data: Uint8Array;
  ts: bigint;
  ttlDeadline: bigint;
}

export interface ModelNewMsg {
  subject: string;
  headers: Uint8Array | null;
  data: Uint8Array;
  msgId?: string;
  ttlNs?: bigint;
  rollup?: "sub" | "all";
}

export class StreamModel {
  msgs: ModelMsg[] = [];
  emptyFirst: number;
  last: number;
  lastTs = 0n;
  lastMsgId = "";
  dedupe = new Map<string, { seq: number; timestampNs: bigint }>();

  constructor(readonly cfg: StreamConfig) {
    const firstSeq = cfg.first_seq ?? 0;
    this.emptyFirst = firstSeq;
    this.last = firstSeq > 0 ? firstSeq - 1 : 0;
  }

  get first(): number {
    return this.msgs.length > 0 ? (this.msgs[0] as ModelMsg).seq : this.emptyFirst;
  }

  private size(m: ModelMsg): number {
    return messageSize(this.cfg.storage, m.subject, m.headers, m.data);
  }

  bytes(): number {
    return this.msgs.reduce((sum, m) => sum + this.size(m), 0);
  }

  private removeWhere(pred: (m: ModelMsg) => boolean): number {
    const before = this.msgs.length;
    this.msgs = this.msgs.filter((m) => !pred(m));
    if (this.msgs.length === 0 && before > 0) this.emptyFirst = this.last + 1;
    return before - this.msgs.length;
  }

  private removeAll(): number {
    const n = this.msgs.length;
    this.msgs = [];
    this.emptyFirst = this.last + 1;
    return n;
  }

  expire(now: bigint): void {
    this.removeWhere((m) => m.ttlDeadline > 0n && m.ttlDeadline <= now);
    if (this.cfg.max_age > 0) {
      const cutoff = now - BigInt(this.cfg.max_age);
      const doomed = new Set<number>();
      for (const m of this.msgs) {
        if (m.ttlDeadline === -1n) continue;
        if (m.ts > cutoff) break;
        doomed.add(m.seq);
      }
      this.removeWhere((m) => doomed.has(m.seq));
    }
    const windowCutoff = now - BigInt(this.cfg.duplicate_window);
    for (const [id, entry] of [...this.dedupe]) if (entry.timestampNs <= windowCutoff) this.dedupe.delete(id);
  }

  store(seq: number, ts: bigint, m: ModelNewMsg): void {
    if (m.rollup === "all") this.removeAll();
    if (m.rollup === "sub") this.removeWhere((x) => x.subject === m.subject);
    const ttlDeadline = m.ttlNs === undefined ? 0n : m.ttlNs === -1n ? -1n : ts + m.ttlNs;
    this.msgs.push({ seq, subject: m.subject, headers: m.headers, data: m.data, ts, ttlDeadline });
    this.last = seq;
    this.lastTs = ts;
    this.lastMsgId = m.msgId ?? "";
    if (m.msgId !== undefined) this.dedupe.set(m.msgId, { seq, timestampNs: ts });
    const perSubject = this.cfg.max_msgs_per_subject;
    if (perSubject > 0) {
      while (this.msgs.filter((x) => x.subject === m.subject).length > perSubject) {
        const oldest = this.msgs.find((x) => x.subject === m.subject) as ModelMsg;
        this.removeWhere((x) => x === oldest);
      }
    }
    if (this.cfg.discard === "old") {
      while (this.cfg.max_msgs > 0 && this.msgs.length > this.cfg.max_msgs) this.removeWhere((x) => x === this.msgs[0]);
      while (this.cfg.max_bytes > 0 && this.bytes() > this.cfg.max_bytes && this.msgs.length > 0) this.removeWhere((x) => x === this.msgs[0]);
    }
  }

  private compact(seq: number): number {
    if (seq > this.last) {
      const n = this.removeAll();
      if (seq > this.last + 1) {
        this.emptyFirst = seq;
        this.last = seq - 1;
      }
      return n;
    }
    return this.removeWhere((m) => m.seq < seq);
  }

  purge(filter: string | undefined, seq: number, keep: number): number {
    if (filter === undefined || filter === ">") {
      if (keep === 0 && seq === 0) return this.removeAll();
      if (seq > 1) return this.compact(seq);
      if (keep > 0) return keep >= this.msgs.length ? 0 : this.compact(this.last - keep + 1);
      return 0;
    }
    const matching = this.msgs.filter((m) => subjectMatches(filter, m.subject));
    if (keep > 0 && keep >= matching.length) return 0;
    const removable = keep > 0 ? matching.length - keep : matching.length;
    const doomed = matching.filter((m) => seq <= 1 || m.seq < seq).slice(0, removable);
    return this.removeWhere((m) => doomed.includes(m));
  }

  delete(seq: number): boolean {
    return this.removeWhere((m) => m.seq === seq) === 1;
  }

  state() {
    const first = this.msgs[0];
    const subjects = new Set(this.msgs.map((m) => m.subject));
    return {
      messages: this.msgs.length,
      bytes: this.bytes(),
      first_seq: this.first,
      last_seq: this.last,
      first_ts: first?.ts ?? 0n,
      last_ts: this.lastTs,
      num_subjects: subjects.size,
      num_deleted: this.msgs.length === 0 ? 0 : this.last - this.first + 1 - this.msgs.length,
    };
  }

  nextSeq(from: number, filter: string | undefined): number {
    const found = this.msgs.find((m) => m.seq >= from && (filter === undefined || subjectMatches(filter, m.subject)));
    return found?.seq ?? 0;
  }

  lastSeqFor(filter: string): number {
    let best = 0;
    for (const m of this.msgs) if (subjectMatches(filter, m.subject)) best = m.seq;
    return best;
  }
}
