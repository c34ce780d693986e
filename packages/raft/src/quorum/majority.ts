/**
 * Majority quorum arithmetic. A leaf module: it knows voter ids and indexes, nothing of Raft.
 */

/** VoteResult is the outcome of counting (pre-)votes. */
export const VoteResult = { Pending: "pending", Won: "won", Lost: "lost" } as const;
export type VoteResult = (typeof VoteResult)[keyof typeof VoteResult];

/** quorumSize is the smallest number of voters that forms a majority of `voterCount`. */
export function quorumSize(voterCount: number): number {
  if (!Number.isInteger(voterCount) || voterCount < 1) {
    throw new RangeError(`voterCount must be a positive integer, got ${voterCount}`);
  }
  return Math.floor(voterCount / 2) + 1;
}

/**
 * committedIndex returns the largest index that a majority of voters have acknowledged.
 * `matchByVoter` must list every voter (0 when a voter has acknowledged nothing).
 */
export function committedIndex(voters: readonly string[], matchByVoter: (id: string) => number): number {
  return committedIndexOf(voters.map(matchByVoter), quorumSize(voters.length));
}

const descending = (a: number, b: number): number => b - a;

/**
 * committedIndexOf is committedIndex over one match index per voter, for a caller that keeps the
 * array and the quorum size (the leader, on every acknowledgement). It sorts `matches` in place.
 */
export function committedIndexOf(matches: number[], quorum: number): number {
  // Sort descending: the quorum-th largest value is held by at least a quorum of voters.
  matches.sort(descending);
  const value = matches[quorum - 1];
  if (value === undefined) throw new RangeError("committedIndex needs at least one voter");
  return value;
}

/**
 * voteResult counts granted and rejected votes; missing voters are still pending.
 * Won needs a majority of grants; Lost means a majority can no longer be reached.
 */
export function voteResult(voters: readonly string[], votes: ReadonlyMap<string, boolean>): VoteResult {
  let granted = 0;
  let rejected = 0;
  for (const id of voters) {
    const vote = votes.get(id);
    if (vote === true) granted += 1;
    else if (vote === false) rejected += 1;
  }
  const quorum = quorumSize(voters.length);
  if (granted >= quorum) return VoteResult.Won;
  if (voters.length - rejected < quorum) return VoteResult.Lost;
  return VoteResult.Pending;
}
