/**
 * Fast log rejection: the follower's reject hint lets the leader find the divergence point in
 * one round trip, however long the conflicting suffix is.
 */
import { describe, expect, it } from "vitest";
import { MessageType, type AppendMessage, type Message, type RaftCore } from "../harness/raft";
import { drain, newCore } from "../harness/helpers";

/** exchange delivers messages between the leader n1 and follower n2 until quiet. */
function exchange(leader: RaftCore, follower: RaftCore): Message[] {
  const log: Message[] = [];
  for (let round = 0; round < 20; round++) {
    const out = [...(drain(leader)?.messages ?? []), ...(drain(follower)?.messages ?? [])].filter(
      (m) => m.to === "n1" || m.to === "n2",
    );
    if (out.length === 0) return log;
    for (const m of out) {
      log.push(m);
      (m.to === "n1" ? leader : follower).step(m);
    }
  }
  throw new Error("exchange did not settle");
}

const cases = [
  {
    name: "follower has a longer conflicting suffix of a lower term",
    leaderLog: [1, 2, 2, 4, 4, 4, 4],
    followerLog: [1, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3],
    hint: { index: 7, term: 3 },
    retry: { prevIndex: 3, prevTerm: 2 },
  },
  {
    name: "follower has a shorter conflicting suffix of a higher term",
    leaderLog: [1, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3],
    followerLog: [1, 2, 2, 4, 4, 4, 4],
    hint: { index: 3, term: 2 },
    retry: { prevIndex: 3, prevTerm: 2 },
  },
  {
    name: "follower is far behind",
    leaderLog: [1, 2, 2, 2, 2, 2, 2, 2],
    followerLog: [1, 1],
    hint: { index: 2, term: 1 },
    retry: { prevIndex: 1, prevTerm: 1 },
  },
];

describe("fast log rejection", () => {
  it.each(cases)("fast log rejection: $name — one rejection, then the right prev index (TestFastLogRejection)", ({ leaderLog, followerLog, hint, retry }) => {
    const leader = newCore("n1", { term: 5, logTerms: leaderLog });
    const follower = newCore("n2", { term: 5, logTerms: followerLog });
    drain(follower);
    leader.campaign();
    drain(leader);
    leader.step({ type: MessageType.VoteResponse, from: "n3", to: "n1", term: 6, reject: false });

    const log = exchange(leader, follower);

    const rejections = log.filter((m) => m.type === MessageType.AppendResponse && m.reject);
    expect(rejections).toHaveLength(1);
    expect(rejections[0]).toMatchObject({ rejectHint: hint });
    const appends = log.filter((m): m is AppendMessage => m.type === MessageType.Append);
    const lastIndex = leaderLog.length + 1;
    expect(appends.map((m) => ({ prevIndex: m.prevIndex, prevTerm: m.prevTerm, commit: m.commit }))).toEqual([
      { prevIndex: leaderLog.length, prevTerm: leaderLog[leaderLog.length - 1], commit: 0 },
      { ...retry, commit: 0 },
      // Only the commit index travels after the match: the no-op committed on n1 + n2.
      { prevIndex: lastIndex, prevTerm: 6, commit: lastIndex },
    ]);
    expect(follower.status()).toMatchObject({ lastIndex: leaderLog.length + 1, term: 6 });
    expect(leader.status().progress["n2"]).toMatchObject({ match: leaderLog.length + 1, state: "replicate" });
  });
});
