/** Basic cluster behaviour: election, replication and commit through the Ready/advance cycle. */
import { describe, expect, it } from "vitest";
import { Role } from "../harness/raft";
import { TestNetwork } from "../harness/network";

describe("basic cluster", () => {
  it("elects a leader, replicates and commits a proposal on every node (TestLogReplication)", () => {
    const net = new TestNetwork(["n1", "n2", "n3"]);
    net.elect("n1");
    expect(net.core("n1").status()).toMatchObject({ role: Role.Leader, term: 1, commit: 1, termStartIndex: 1 });
    const result = net.propose("n1", "hello");
    expect(result).toEqual({ index: 2, term: 1 });
    for (const id of ["n1", "n2", "n3"]) {
      expect(net.core(id).status()).toMatchObject({ commit: 2, applied: 2, lastIndex: 2, term: 1, leader: "n1" });
      expect(net.node(id).disk.applied).toEqual(["hello"]);
    }
  });

  it("elects a leader from election timeouts alone", () => {
    const net = new TestNetwork(["n1", "n2", "n3"], { seed: 7 });
    for (let t = 0; t < 40; t++) {
      for (const id of net.ids) net.tick(id);
      net.stabilize();
    }
    const leaders = net.ids.filter((id) => net.core(id).status().role === Role.Leader);
    expect(leaders).toHaveLength(1);
  });
});
