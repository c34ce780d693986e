/** Progress and Inflights unit tests: the leader's per-follower flow-control state machine. */
import { describe, expect, it } from "vitest";
import { Inflights } from "../../../packages/raft/src/tracker/inflights";
import { Progress, ProgressState } from "../../../packages/raft/src/tracker/progress";

describe("Inflights", () => {
  it("fills up to its bound, frees by index and refuses out-of-order adds", () => {
    const inflights = new Inflights(3);
    inflights.add(2);
    inflights.add(5);
    inflights.add(9);
    expect([inflights.count, inflights.full()]).toEqual([3, true]);
    expect(() => inflights.add(10)).toThrow("inflights: add on a full window");
    inflights.freeLE(5);
    expect([inflights.count, inflights.full()]).toEqual([1, false]);
    expect(() => inflights.add(9)).toThrow("inflights: index 9 not above 9");
    inflights.freeFirstOne();
    expect(inflights.count).toBe(0);
    expect(() => new Inflights(0)).toThrow("inflight window must be a positive integer, got 0");
  });
});

describe("Progress", () => {
  it("probe pauses after one append; an update moves it on; replicate fills the window", () => {
    const progress = new Progress(5, 2);
    expect(progress.isPaused()).toBe(false);
    progress.sentAppend(1, 5);
    expect(progress.isPaused()).toBe(true);
    expect(progress.maybeUpdate(5)).toBe(true);
    progress.becomeReplicate();
    expect([progress.state, progress.match, progress.next]).toEqual([ProgressState.Replicate, 5, 6]);
    progress.sentAppend(2, 7);
    progress.sentAppend(1, 8);
    expect([progress.next, progress.isPaused()]).toEqual([9, true]);
  });

  it("maybeDecrTo ignores stale rejections and resumes after the hint (TestProgressMaybeDecr)", () => {
    const replicate = new Progress(1, 4);
    replicate.maybeUpdate(5);
    replicate.becomeReplicate();
    expect(replicate.maybeDecrTo(4, 0)).toBe(false);
    expect(replicate.maybeDecrTo(7, 0)).toBe(true);
    expect(replicate.next).toBe(6);

    const probe = new Progress(10, 4);
    expect(probe.maybeDecrTo(5, 3)).toBe(false);
    expect(probe.maybeDecrTo(9, 3)).toBe(true);
    expect(probe.next).toBe(4);
    expect(probe.maybeDecrTo(3, 0)).toBe(true);
    expect(probe.next).toBe(1);
  });

  it("snapshot state pauses appends and probes after the snapshot index when it ends", () => {
    const progress = new Progress(3, 4);
    progress.becomeSnapshot(20);
    expect([progress.isPaused(), progress.pendingSnapshot]).toEqual([true, 20]);
    progress.becomeProbe();
    expect([progress.state, progress.next, progress.pendingSnapshot]).toEqual([ProgressState.Probe, 21, 0]);
  });
});
