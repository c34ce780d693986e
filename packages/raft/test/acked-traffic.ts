/**
 * AckedTraffic: runs of unique values proposed through whichever node leads a TestCluster, with
 * the acknowledged ones remembered, and the final check of the seeded fault tests: every replica
 * holds the same log, and every acknowledged value is in it exactly once.
 */
import { expect } from "vitest";
import { TestCluster, proposeAll } from "./node-cluster";

/** LEADERSHIP_MOVED: rejections that leave a value's fate unknown while leadership moves; the value is not counted. */
const LEADERSHIP_MOVED = new Set(["NotLeaderError", "ProposalDroppedError", "LeadershipLostError"]);

export class AckedTraffic {
  readonly acked: string[] = [];
  private proposed = 0;

  constructor(private readonly cluster: TestCluster) {}

  /** run proposes `count` new values, ten in flight, through the current leader. */
  async run(count: number): Promise<void> {
    const first = this.proposed;
    this.proposed += count;
    const leader = await this.cluster.waitForLeader();
    try {
      await proposeAll(leader, first, count, 10);
      for (let i = first; i < first + count; i++) this.acked.push(`v${i}`);
    } catch (error) {
      expect(LEADERSHIP_MOVED).toContain((error as Error).name);
    }
  }

  /** expectAllAckedOnce waits until every node applied the leader's commit, then checks the logs. */
  async expectAllAckedOnce(): Promise<void> {
    const leader = await this.cluster.waitForLeader();
    await this.cluster.waitApplied(leader.status().commit);
    const log = this.cluster.sm(leader.id).values;
    for (const id of this.cluster.ids) expect(this.cluster.sm(id).hash).toBe(this.cluster.sm(leader.id).hash);
    expect(new Set(log).size).toBe(log.length);
    const present = new Set(log);
    expect(this.acked.filter((value) => !present.has(value))).toEqual([]);
  }
}
