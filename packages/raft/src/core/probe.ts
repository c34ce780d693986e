/**
 * Term probes and the spent vote: what a node that lost its data directory needs before it may
 * vote again. Its vote in some term T went with the directory, and a node that granted it once
 * must not grant another in T. The candidate it voted for had already moved to T, so once every
 * peer has reported its term after the loss, this node's term is at least T: it then counts its
 * vote in its current term as cast (spendVote) and votes only in later terms.
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
