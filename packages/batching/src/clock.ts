/**
 * Time for the batching leader, injected so tests and the simulator own it: a wall clock (for
 * the leader-chosen message timestamp and advisory timestamps) and a timer scheduler (for the
 * per-batch inactivity timer). `ManualClock` implements both for deterministic tests; the
 * system versions wrap Date and setTimeout for the real server.
 */
import { assert } from "@flotilla/stream/internal";

/** Clock gives the current wall time. */
export interface Clock {
  /**
   * nowMs is milliseconds since the Unix epoch that never go backwards: batch deadlines are
   * measured with it, and a wall clock stepped back must not keep a batch alive.
   */
  nowMs(): number;
  /** nowNs is nanoseconds since the Unix epoch (the message timestamp unit). */
  nowNs(): bigint;
}

/** TimerHandle cancels a scheduled callback; cancel after it ran does nothing. */
export interface TimerHandle {
  cancel(): void;
}

/** Scheduler runs a callback once after a delay. */
export interface Scheduler {
  schedule(delayMs: number, callback: () => void): TimerHandle;
}

/**
 * systemClock: nowMs is the monotonic clock anchored at the process's start (timeOrigin), nowNs
 * the wall clock (message timestamps); nanoseconds are the milliseconds scaled (Node has no wall ns).
 */
export const systemClock: Clock = {
  nowMs: () => performance.timeOrigin + performance.now(),
  nowNs: () => BigInt(Date.now()) * 1_000_000n,
};

/** systemScheduler uses setTimeout; timers are unref'd so a pending batch never holds the process. */
export const systemScheduler: Scheduler = {
  schedule(delayMs, callback) {
    const timer = setTimeout(callback, delayMs);
    timer.unref();
    return { cancel: () => clearTimeout(timer) };
  },
};

interface ManualTimer {
  readonly id: number;
  readonly dueMs: number;
  readonly callback: () => void;
  cancelled: boolean;
}

/** ManualClock is a Clock and Scheduler that moves only when `advance` is called. */
export class ManualClock implements Clock, Scheduler {
  private currentMs: number;
  private nextId = 1;
  private timers: ManualTimer[] = [];

  constructor(startMs = 1_700_000_000_000) {
    this.currentMs = startMs;
  }

  nowMs(): number {
    return this.currentMs;
  }

  nowNs(): bigint {
    return BigInt(this.currentMs) * 1_000_000n;
  }

  schedule(delayMs: number, callback: () => void): TimerHandle {
    assert(delayMs >= 0, "negative timer delay");
    const timer: ManualTimer = { id: this.nextId++, dueMs: this.currentMs + delayMs, callback, cancelled: false };
    this.timers.push(timer);
    return {
      cancel: () => {
        timer.cancelled = true;
      },
    };
  }

  /** pendingTimers counts timers that are scheduled and not cancelled. */
  pendingTimers(): number {
    return this.timers.filter((t) => !t.cancelled).length;
  }

  /** advance moves time forward by `ms`, firing due timers in due-time order. */
  advance(ms: number): void {
    assert(ms >= 0, "time moves forward only");
    const targetMs = this.currentMs + ms;
    for (;;) {
      const due = this.timers
        .filter((t) => !t.cancelled && t.dueMs <= targetMs)
        .sort((a, b) => a.dueMs - b.dueMs || a.id - b.id)[0];
      if (due === undefined) break;
      due.cancelled = true;
      this.currentMs = Math.max(this.currentMs, due.dueMs);
      due.callback();
    }
    this.currentMs = targetMs;
    this.timers = this.timers.filter((t) => !t.cancelled);
  }
}
