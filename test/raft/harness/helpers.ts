/**
 * Helpers for single-node unit tests of the core: build a RaftCore in a given state, run its
 * Ready cycle (as a durable driver would: everything persisted, then advance), and build
 * messages and entries tersely.
 */
import {
  EntryKind,
  MessageType,
  RaftCore,
  SeededPrng,
  defaultRaftConfig,
  type Entry,
  type Message,
  type NodeId,
  type RaftConfig,
  type Ready,
  type Term,
} from "./raft";

/** text encodes a string payload. */
export const text = (value: string): Uint8Array => new TextEncoder().encode(value);

/** entry builds a Normal entry whose payload names its position, e.g. "e3@2". */
export function entry(index: number, term: Term, payload = `e${index}@${term}`): Entry {
  return { index, term, kind: EntryKind.Normal, data: text(payload) };
}

/** entriesFromTerms builds entries 1..n with the given terms. */
export function entriesFromTerms(terms: readonly Term[]): Entry[] {
  return terms.map((term, i) => entry(i + 1, term));
}

/** CoreOptions sets up a core as if restored from disk. */
export interface CoreOptions {
  peers?: readonly NodeId[];
  term?: Term;
  vote?: NodeId | null;
  commit?: number;
  logTerms?: readonly Term[];
  seed?: number;
  config?: Partial<Omit<RaftConfig, "id" | "peers" | "prng">>;
}

/** UNIT_CONFIG: the paper tests run without pre-vote and check-quorum, T = 10, heartbeat 1. */
export const UNIT_CONFIG = { preVote: false, checkQuorum: false, electionTimeoutTicks: 10, heartbeatIntervalTicks: 1 };

/** newCore builds node `id` of `peers` (default n1..n3) restored with the given state. */
export function newCore(id: NodeId, options: CoreOptions = {}): RaftCore {
  const peers = options.peers ?? ["n1", "n2", "n3"];
  const config: RaftConfig = {
    ...defaultRaftConfig(id, peers, new SeededPrng(options.seed ?? 1)),
    ...UNIT_CONFIG,
    ...options.config,
  };
  const entries = entriesFromTerms(options.logTerms ?? []);
  const commit = options.commit ?? 0;
  return new RaftCore(config, {
    hardState: { term: options.term ?? 0, vote: options.vote ?? null, commit },
    snapshot: null,
    entries,
    applied: commit,
  });
}

/** drain runs one Ready cycle (all durable, sent, applied) and returns it; null if no work. */
export function drain(core: RaftCore): Ready | null {
  if (!core.hasReady()) return null;
  const rd = core.ready();
  core.advance(rd);
  return rd;
}

/** sent drains and returns the messages the core sent (empty when it had no work). */
export function sent(core: RaftCore): Message[] {
  return [...(drain(core)?.messages ?? [])];
}

/** makeLeader makes a fresh core campaign and win with grants from `voters` (default n2). */
export function makeLeader(core: RaftCore, voters: readonly NodeId[] = ["n2"]): void {
  core.campaign();
  drain(core);
  const { id, term } = core.status();
  for (const voter of voters) {
    core.step({ type: MessageType.VoteResponse, from: voter, to: id, term, reject: false });
  }
  if (core.status().role !== "leader") throw new Error(`${id} did not become leader`);
  drain(core);
}

/** makeCandidate turns a fresh core into a candidate (bumping its term). */
export function makeCandidate(core: RaftCore): void {
  core.campaign();
  drain(core);
}

/** append builds an Append from `from` to `to`. */
export function append(
  from: NodeId,
  to: NodeId,
  term: Term,
  prevIndex: number,
  prevTerm: Term,
  entries: Entry[],
  commit: number,
): Message {
  return { type: MessageType.Append, from, to, term, prevIndex, prevTerm, entries, commit };
}

/** appendAck builds a successful AppendResponse. */
export function appendAck(from: NodeId, to: NodeId, term: Term, index: number): Message {
  return { type: MessageType.AppendResponse, from, to, term, reject: false, index, rejectHint: null };
}

