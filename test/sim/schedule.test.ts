/** ScheduleGenerator: deterministic plans that respect crash bounds and only target live nodes. */
import { describe, expect, it } from "vitest";
import { optionsSwarm, type SimOptions } from "./options";
import { SimPrng } from "./prng";
import { ScheduleGenerator, type Action, type NodeView } from "./schedule";

const NODES: NodeView[] = [
  { id: "n1", alive: true, isLeader: true, term: 4 },
  { id: "n2", alive: true, isLeader: false, term: 4 },
  { id: "n3", alive: false, isLeader: false, term: 0 },
];

function busyOptions(): SimOptions {
  const options = optionsSwarm(new SimPrng(1));
  return {
    ...options,
    nodeCount: 3,
    faults: { ...options.faults, crashProbability: 1, pauseProbability: 0, crashedNodesMax: 2, partitionProbability: 1 },
    workload: { ...options.workload, proposeProbability: 1, proposeAnywhereProbability: 0, snapshotProbability: 1, transferProbability: 1 },
  };
}

function plan(seed: number, ticks: number, options: SimOptions): Action[][] {
  const schedule = new ScheduleGenerator(new SimPrng(seed), options);
  return Array.from({ length: ticks }, (_, tick) => schedule.planTick(tick + 1, NODES, false));
}

describe("ScheduleGenerator", () => {
  it("plans the same actions for the same seed and different ones for another", () => {
    const options = optionsSwarm(new SimPrng(5));
    expect(plan(3, 50, options)).toEqual(plan(3, 50, options));
    expect(JSON.stringify(plan(3, 50, busyOptions()))).not.toBe(JSON.stringify(plan(4, 50, busyOptions())));
  });

  it("sends proposals to the leader, sized up to entryBytesMax unless oversized on purpose", () => {
    const options = busyOptions();
    const proposals = plan(6, 40, options)
      .flat()
      .filter((action) => action.kind === "propose");
    expect(proposals.length).toBeGreaterThan(0);
    for (const proposal of proposals) {
      expect(proposal.node).toBe("n1");
      expect(proposal.bytes).toBeGreaterThanOrEqual(8);
      expect(proposal.bytes).toBeLessThanOrEqual(options.raft.entryBytesMax + 32);
    }
  });

  it("crashes only live nodes, never beyond crashedNodesMax, and restarts them after their delay", () => {
    const options = busyOptions();
    const schedule = new ScheduleGenerator(new SimPrng(7), options);
    const first = schedule.planTick(1, NODES, false);
    const crash = first.find((action) => action.kind === "crash");
    expect(crash?.kind === "crash" && ["n1", "n2"].includes(crash.node)).toBe(true);
    const crashedId = crash?.kind === "crash" ? crash.node : "";
    const afterCrash = NODES.map((node) => (node.id === crashedId ? { ...node, alive: false } : node));
    const second = schedule.planTick(2, afterCrash, false);
    expect(second.filter((action) => action.kind === "crash")).toEqual([]);
    const maxDelay = options.faults.restartDelayTicksMax;
    const restarts: string[] = [];
    for (let tick = 3; tick <= 2 + maxDelay; tick++) {
      for (const action of schedule.planTick(tick, afterCrash, false)) if (action.kind === "restart") restarts.push(action.node);
    }
    expect(restarts).toEqual([crashedId]);
  });

  it("transfers leadership from the leader to another node and partitions every node into groups", () => {
    const actions = plan(8, 20, busyOptions()).flat();
    const transfers = actions.filter((action) => action.kind === "transfer");
    expect(transfers.length).toBeGreaterThan(0);
    for (const transfer of transfers) expect(transfer.node === "n1" && transfer.target !== "n1").toBe(true);
    const partitions = actions.filter((action) => action.kind === "partition");
    expect(partitions.length).toBeGreaterThan(0);
    for (const partition of partitions) expect(partition.groups.flat().sort()).toEqual(["n1", "n2", "n3"]);
  });

  it("isolates a newly seen leader after its delay, once per term, and not once it lost that term", () => {
    const base = optionsSwarm(new SimPrng(1));
    const quiet: SimOptions = {
      ...base,
      nodeCount: 3,
      faults: { ...base.faults, partitionProbability: 0, linkCutProbability: 0, crashProbability: 0, pauseProbability: 0, leaderIsolationProbability: 1, leaderIsolationDelayTicksMax: 0 },
      workload: { ...base.workload, proposeProbability: 0, snapshotProbability: 0, transferProbability: 0, campaignProbability: 0 },
    };
    const isolations = (actions: Action[]): Action[] => actions.filter((action) => action.kind === "partition");
    const schedule = new ScheduleGenerator(new SimPrng(2), quiet);
    expect(isolations(schedule.planTick(1, NODES, false))).toEqual([{ kind: "partition", groups: [["n1"], ["n2", "n3"]], oneWay: false }]);
    // The same leader in the same term is not isolated again.
    expect(isolations(schedule.planTick(2, NODES, false))).toEqual([]);
    // A leader of a new term is; with a delay it is only isolated if it still leads that term.
    const delayed = new ScheduleGenerator(new SimPrng(2), { ...quiet, faults: { ...quiet.faults, leaderIsolationDelayTicksMax: 1000 } });
    const term5 = NODES.map((node) => (node.id === "n2" ? { ...node, isLeader: true, term: 5 } : { ...node, isLeader: false, term: 5 }));
    const planned: Action[] = [];
    for (let tick = 1; tick <= 1001; tick++) planned.push(...isolations(delayed.planTick(tick, tick === 1 ? term5 : NODES, false)));
    expect(planned).toEqual([]);
  });

  it("draws the leader churn mode for about half of the seeds, and for every seed when forced", () => {
    const seeds = Array.from({ length: 200 }, (_, i) => i + 1);
    const churning = (options: SimOptions): boolean => options.faults.isolateAtFirstCommitProbability > 0;
    const swarm = seeds.map((seed) => optionsSwarm(new SimPrng(seed)));
    const forced = seeds.map((seed) => optionsSwarm(new SimPrng(seed), undefined, true));
    const swarmCount = swarm.filter(churning).length;
    expect(swarmCount).toBeGreaterThan(70);
    expect(swarmCount).toBeLessThan(130);
    expect(forced.filter(churning).length).toBe(200);
    for (const options of forced) {
      expect(options.raft.electionTimeoutTicks).toBeLessThanOrEqual(14);
      expect(options.raft.inflightAppendsMax).toBeLessThanOrEqual(2);
      expect(options.raft.appendBytesMax).toBeLessThanOrEqual(options.raft.entryBytesMax);
      expect(options.faults.isolateAtElectionProbability).toBeGreaterThanOrEqual(0.4);
    }
    // A seed the swarm already put in the mode is the same run when forced.
    swarm.forEach((options, i) => {
      if (churning(options)) expect(forced[i]).toEqual(options);
    });
  });
});
