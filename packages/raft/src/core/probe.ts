/**
 * Term probes and the spent vote: what a node that lost its data directory needs before it may
 * follow a leader or vote again. Its term went with the directory, and with it a vote it may have
 * granted in some term T: following a leader of an older term, it could help commit what the
 * leader it elected lacks; voting again in T, it could elect a second leader there. Whoever gave
 * it its term, or received its vote, reports at least that term, so once every peer has reported
 * after the loss this node's term is high enough: it then counts its vote in its current term as
 * cast (spendVote) and votes only in later terms. node/repair-gate.ts applies this.
 */
import { MessageType, type TermProbeMessage } from "./messages";
import type { RaftState } from "./state";
import type { NodeId } from "./types";

/** probeTerms asks each of `peers` for its term and commit index. */
export function probeTerms(s: RaftState, peers: readonly NodeId[]): void {
  for (const to of peers) {
    if (to !== s.id) s.send({ type: MessageType.TermProbe, from: s.id, to, term: s.term });
  }
}

/** onTermProbe answers with our term and commit, before any term check: a probe changes nothing here. */
export function onTermProbe(s: RaftState, m: TermProbeMessage): void {
  s.send({ type: MessageType.TermReport, from: s.id, to: m.from, term: s.term, commit: s.log.committed });
}

/** spendVote counts this node's vote in its current term as cast, if it has not cast one. */
export function spendVote(s: RaftState): void {
  if (s.vote === null) s.vote = s.id;
}
