/**
 * A minimal AppliedView for lifecycle tests that look only at staging, timers and proposals:
 * a validated config, a settable last sequence, seeded messages without payloads and no message
 * ids. Tests of the checks against stored state use the real StreamStore instead (store-rig.ts).
 */
import { validateStreamConfig, type StreamConfig, type StreamState } from "@flotilla/stream";
import type { AppliedView } from "@flotilla/batching";

/** FakeView is an empty stream with a given configuration. */
export class FakeView implements AppliedView {
  lastSeq = 0;
  readonly config: StreamConfig;
  private readonly stored: { subject: string; seq: number; bytes: number }[] = [];

  constructor(config: Record<string, unknown>) {
    this.config = validateStreamConfig(config, []);
  }

  /** seed records one stored message on a literal subject (no wildcard matching here). */
  seed(subject: string, bytes: number): void {
    this.lastSeq += 1;
    this.stored.push({ subject, seq: this.lastSeq, bytes });
  }

  state(): StreamState {
    const first = this.stored[0]?.seq ?? this.lastSeq + 1;
    return {
      messages: this.stored.length,
      bytes: this.stored.reduce((n, m) => n + m.bytes, 0),
      first_seq: first,
      last_seq: this.lastSeq,
      first_ts: 0n,
      last_ts: 0n,
      num_subjects: new Set(this.stored.map((m) => m.subject)).size,
      num_deleted: 0,
    };
  }

  subjectLastSeq(subject: string): number {
    return this.stored.filter((m) => m.subject === subject).at(-1)?.seq ?? 0;
  }

  subjectMsgCount(subject: string): number {
    return this.stored.filter((m) => m.subject === subject).length;
  }

  dedupe(): undefined {
    return undefined;
  }

  lastMsgId(): string {
    return "";
  }
}
