/**
 * A deliberately plain reference model of one stream for the property test: an array of
 * messages plus a map of message ids with the time they were stored (forgotten after the
 * 2-minute duplicate window), with the publish rules written out directly (no staged
 * diff, no in-flight tables). It answers what nats-server would do for each publish when every
 * proposal is applied before the next publish arrives.
 */

/** ModelMsg is one stored message. */
export interface ModelMsg {
  seq: number;
  subject: string;
  headers: string | null;
  data: string;
}

/** ModelConfig is the subset of the stream configuration the model needs. */
export interface ModelConfig {
  allowRollup: boolean;
  discardNew: boolean;
  maxMsgs: number;
  maxMsgsPerSubject: number;
  discardNewPerSubject: boolean;
}

/** ModelInput is one message as published (headers as ordered pairs). */
export interface ModelInput {
  subject: string;
  headers: [string, string][];
  data: string;
}

/** ModelAnswer is what the client gets: stored, duplicate, an err_code, or nothing at all. */
export type ModelAnswer =
  | { kind: "none" }
  | { kind: "stored"; seq: number; count: number }
  | { kind: "duplicate"; seq: number }
  | { kind: "error"; errCode: number };

/** DUPLICATE_WINDOW_MS is the stream's duplicate_window (the 2-minute default). */
export const DUPLICATE_WINDOW_MS = 120_000;

function header(input: ModelInput, key: string): string | undefined {
  return input.headers.find(([k]) => k === key)?.[1];
}

/** renderHeaders builds the header block text the way a NATS client sends it. */
export function renderHeaders(pairs: [string, string][]): string | null {
  if (pairs.length === 0) return null;
  return `NATS/1.0\r\n${pairs.map(([k, v]) => `${k}: ${v}\r\n`).join("")}\r\n`;
}

/** ModelState is a copy of a StreamModel's state (save / restore). */
export interface ModelState {
  readonly msgs: ModelMsg[];
  readonly lastSeq: number;
  readonly msgIds: ReadonlyMap<string, { seq: number; atMs: number }>;
  readonly appliedMsgs: ModelMsg[];
  readonly pendingSubjects: ReadonlyMap<string, number>;
  readonly pendingMsgIds: ReadonlySet<string>;
  readonly pendingExpected: ReadonlySet<string>;
  readonly pendingOps: number;
}

/** StreamModel is the reference stream. */
export class StreamModel {
  msgs: ModelMsg[] = [];
  lastSeq = 0;
  /** msgIds maps a Nats-Msg-Id to the sequence and time (ms) of the message that stored it. */
  readonly msgIds = new Map<string, { seq: number; atMs: number }>();
  /** nowMs is the leader's clock; an id stored at or before nowMs - DUPLICATE_WINDOW_MS is forgotten. */
  nowMs = 0;
  /** appliedMsgs is what the leader's checks see as stored: `msgs` as of the last apply. */
  appliedMsgs: ModelMsg[] = [];
  /** What the leader has proposed but not yet seen applied (only used when applies are held). */
  readonly pending = {
    subjects: new Map<string, number>(),
    msgIds: new Set<string>(),
    expected: new Set<string>(),
    ops: 0,
  };
  /** holding: stored messages count as in flight until `applied()` is called. */
  holding = false;

  /** save copies the model's state, for restore after a publish that must not count. */
  save(): ModelState {
    return {
      msgs: [...this.msgs],
      lastSeq: this.lastSeq,
      msgIds: new Map(this.msgIds),
      appliedMsgs: [...this.appliedMsgs],
      pendingSubjects: new Map(this.pending.subjects),
      pendingMsgIds: new Set(this.pending.msgIds),
      pendingExpected: new Set(this.pending.expected),
      pendingOps: this.pending.ops,
    };
  }

  /** restore puts back a state taken by save. */
  restore(state: ModelState): void {
    this.msgs = [...state.msgs];
    this.lastSeq = state.lastSeq;
    this.msgIds.clear();
    for (const [id, entry] of state.msgIds) this.msgIds.set(id, entry);
    this.appliedMsgs = [...state.appliedMsgs];
    this.pending.subjects.clear();
    for (const [subject, n] of state.pendingSubjects) this.pending.subjects.set(subject, n);
    this.pending.msgIds.clear();
    for (const id of state.pendingMsgIds) this.pending.msgIds.add(id);
    this.pending.expected.clear();
    for (const subject of state.pendingExpected) this.pending.expected.add(subject);
    this.pending.ops = state.pendingOps;
  }

  /** applied marks everything stored so far as applied (the held proposals were applied). */
  applied(): void {
    this.appliedMsgs = [...this.msgs];
    this.pending.subjects.clear();
    this.pending.msgIds.clear();
    this.pending.expected.clear();
    this.pending.ops = 0;
  }

  constructor(readonly config: ModelConfig) {}

  /** lastSeqOf is the sequence of the last stored message on `subject` (0 if none). */
  lastSeqOf(subject: string): number {
    return this.appliedMsgs.filter((m) => m.subject === subject).at(-1)?.seq ?? 0;
  }

  /** appliedCountOf counts applied messages on `subject` (what the checks see). */
  private appliedCountOf(subject: string): number {
    return this.appliedMsgs.filter((m) => m.subject === subject).length;
  }

  private countOf(subject: string): number {
    return this.msgs.filter((m) => m.subject === subject).length;
  }

  /** check returns the err_code for message k (0-based) of a batch of `inputs`, or 0. */
  private check(inputs: ModelInput[], k: number, isBatch: boolean): number | { duplicate: number } {
    const input = inputs[k] as ModelInput;
    const earlier = inputs.slice(0, k);
    const msgId = header(input, "Nats-Msg-Id");
    if (msgId !== undefined) {
      if (earlier.some((e) => header(e, "Nats-Msg-Id") === msgId)) return 10201;
      if (this.pending.msgIds.has(msgId)) return 10158;
      const stored = this.msgIds.get(msgId);
      if (stored !== undefined && stored.atMs > this.nowMs - DUPLICATE_WINDOW_MS) {
        return isBatch ? 10201 : { duplicate: stored.seq };
      }
    }
    const els = header(input, "Nats-Expected-Last-Sequence");
    if (els !== undefined) {
      if (Number(els) !== this.lastSeq + k) return 10071;
      if (k > 0) return 10164;
    }
    const elss = header(input, "Nats-Expected-Last-Subject-Sequence");
    if (elss !== undefined) {
      if (earlier.some((e) => e.subject === input.subject)) return 10164;
      if (this.pending.expected.has(input.subject) || this.pending.subjects.has(input.subject)) return 10164;
      if (Number(elss) !== this.lastSeqOf(input.subject)) return 10071;
    }
    const rollup = header(input, "Nats-Rollup");
    if (rollup !== undefined) {
      if (!this.config.allowRollup) return 10111;
      if (rollup === "sub" && earlier.some((e) => e.subject === input.subject)) return 10111;
      if (rollup === "all" && k > 0) return 10111;
    }
    if (this.config.discardNew) {
      const total = this.appliedMsgs.length + this.pending.ops + k + 1;
      if (this.config.maxMsgs > 0 && total > this.config.maxMsgs) return 10077;
      const sameSubject = inputs.slice(0, k + 1).filter((e) => e.subject === input.subject).length;
      const subjectTotal =
        this.appliedCountOf(input.subject) + (this.pending.subjects.get(input.subject) ?? 0) + sameSubject;
      if (
        this.config.discardNewPerSubject &&
        this.config.maxMsgsPerSubject > 0 &&
        rollup === undefined &&
        subjectTotal > this.config.maxMsgsPerSubject
      ) {
        return 10077;
      }
    }
    return 0;
  }

  private store(input: ModelInput, headers: string | null): void {
    const rollup = header(input, "Nats-Rollup");
    if (rollup === "all") this.msgs = [];
    if (rollup === "sub") this.msgs = this.msgs.filter((m) => m.subject !== input.subject);
    this.lastSeq += 1;
    this.msgs.push({ seq: this.lastSeq, subject: input.subject, headers, data: input.data });
    const msgId = header(input, "Nats-Msg-Id");
    if (msgId !== undefined) this.msgIds.set(msgId, { seq: this.lastSeq, atMs: this.nowMs });
    if (this.holding) {
      this.pending.subjects.set(input.subject, (this.pending.subjects.get(input.subject) ?? 0) + 1);
      this.pending.ops += 1;
      if (msgId !== undefined) this.pending.msgIds.add(msgId);
      if (header(input, "Nats-Expected-Last-Subject-Sequence") !== undefined) this.pending.expected.add(input.subject);
    }
    const perSubject = this.config.maxMsgsPerSubject;
    if (perSubject > 0 && !(this.config.discardNew && this.config.discardNewPerSubject)) {
      while (this.countOf(input.subject) > perSubject) {
        const oldest = this.msgs.findIndex((m) => m.subject === input.subject);
        this.msgs.splice(oldest, 1);
      }
    }
    if (!this.config.discardNew && this.config.maxMsgs > 0) {
      while (this.msgs.length > this.config.maxMsgs) this.msgs.shift();
    }
    if (!this.holding) this.appliedMsgs = this.msgs;
  }

  /** publishPlain applies one plain message. */
  publishPlain(input: ModelInput): ModelAnswer {
    const verdict = this.check([input], 0, false);
    if (typeof verdict === "object") return { kind: "duplicate", seq: verdict.duplicate };
    if (verdict !== 0) return { kind: "error", errCode: verdict };
    this.store(input, renderHeaders(input.headers));
    return { kind: "stored", seq: this.lastSeq, count: 1 };
  }

  /** commitBatch applies a whole batch (headers already include the batch headers). */
  commitBatch(inputs: ModelInput[], eob: boolean): ModelAnswer {
    for (let k = 0; k < inputs.length; k++) {
      const verdict = this.check(inputs, k, true);
      if (typeof verdict === "object") return { kind: "error", errCode: 10201 };
      if (verdict !== 0) return { kind: "error", errCode: verdict };
    }
    inputs.forEach((input, k) => {
      let headers = renderHeaders(input.headers);
      if (eob && k === inputs.length - 1 && headers !== null) {
        headers = `${headers.slice(0, -2)}Nats-Batch-Commit: 1\r\n\r\n`;
      }
      this.store(input, headers);
    });
    return { kind: "stored", seq: this.lastSeq, count: inputs.length };
  }
}
