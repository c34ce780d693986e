/**
 * A minimal AppliedView for lifecycle tests that look only at staging, timers and proposals:
 * a validated config, a settable last sequence and nothing stored. Tests of the checks against
 * stored state use the real StreamStore instead (store-harness.ts).
 */
import { validateStreamConfig, type StreamConfig } from "@flotilla/stream";
import type { AppliedView } from "@flotilla/batching";

/** FakeView is an empty stream with a given configuration. */
export class FakeView implements AppliedView {
  lastSeq = 0;
  readonly config: StreamConfig;

  constructor(config: Record<string, unknown>) {
    this.config = validateStreamConfig(config, []);
  }

  state() {
    return { messages: this.lastSeq, bytes: 0 };
  }

  subjectLastSeq(): number {
    return 0;
  }

  subjectMsgCount(): number {
    return 0;
  }

  dedupe(): undefined {
    return undefined;
  }
}
