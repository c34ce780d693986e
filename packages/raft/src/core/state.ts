/**
 * RaftState: every field of one Raft node, shared by the handler modules (roles, election,
 * replication, snapshot, transfer, proposal, ready). RaftCore (raft.ts) is the public facade.
 */
import { assert, fail } from "../assert";
import { quorumSize } from "../quorum/majority";
import { Progress } from "../tracker/progress";
import type { RaftConfig } from "./config";
import type { TraceEvent } from "./events";
import type { HandoffMarks } from "./logHandoff";
import { LogHandoff } from "./logHandoff";
import { RaftLog } from "./log";
import { MessageType, type Message, type RejectHint } from "./messages";
import type { Entry, HardState, LogIndex, NodeId, SnapshotMeta, Term, Ticks } from "./types";

/** Role names the four states of a Raft node. */
export const Role = {
  Follower: "follower",
  PreCandidate: "pre-candidate",
  Candidate: "candidate",
  Leader: "leader",
} as const;
export type Role = (typeof Role)[keyof typeof Role];

/** Ready is the work the driver must do: persist, send, apply — in that order — then advance. */
export interface Ready {
  /** hardState: persist (fsync) if non-null. */
  readonly hardState: HardState | null;
  /** entries: persist; if entries[0].index <= stored last index, first delete stored entries >= it. */
  readonly entries: readonly Entry[];
  /** snapshot: a snapshot received from the leader; install the staged data and store the meta. */
  readonly snapshot: SnapshotMeta | null;
  /** messages: send only after entries, hardState and snapshot are durable. */
  readonly messages: readonly Message[];
  /** committed: apply in order, after the above. */
  readonly committed: readonly Entry[];
  /** compactedThrough: the driver may delete stored entries <= this. */
  readonly compactedThrough: LogIndex | null;
  /** events: typed trace events, in the order they happened. */
  readonly events: readonly TraceEvent[];
}

/** RaftRestore is what the driver loaded from disk. */
export interface RaftRestore {
  hardState: HardState;
  /** snapshot: the last installed or taken snapshot. */
  snapshot: SnapshotMeta | null;
  /** entries: log entries after snapshot.index, contiguous. */
  entries: readonly Entry[];
  /**
   * applied: index the state machine is known to have applied. Below snapshot.index it is
   * raised to it: those entries are not in the log, so the driver must have loaded the state
   * machine from the snapshot (as after a torn write that kept the snapshot only).
   */
  applied: LogIndex;
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** EventBody is a TraceEvent without the `node`/`term` stamp the state adds. */
export type EventBody = DistributiveOmit<TraceEvent, "node" | "term">;

/** RaftState holds the node's fields. Invariant checks live in RaftCore.checkInvariants. */
export class RaftState {
  readonly config: RaftConfig;
  readonly id: NodeId;
  readonly peers: readonly NodeId[];
  /** others: the voters except this node (fixed: membership does not change). */
  private readonly others: readonly NodeId[];
  readonly quorum: number;
  /** matchScratch: one match index per voter, refilled by every commit check (no allocation). */
  readonly matchScratch: number[] = [];
  term: Term;
  vote: NodeId | null;
  leader: NodeId | null = null;
  role: Role = Role.Follower;
  readonly log: RaftLog;
  readonly handoff: LogHandoff;
  electionElapsedTicks: Ticks = 0;
  heartbeatElapsedTicks: Ticks = 0;
  randomizedElectionTimeoutTicks: Ticks = 0;
  /** votes: (pre-)votes received in the current campaign. */
  readonly votes = new Map<NodeId, boolean>();
  /** progress: leader only, one entry per voter including this node. */
  readonly progress = new Map<NodeId, Progress>();
  transferTarget: NodeId | null = null;
  /** termStartIndex: leader only, the index of this term's no-op; 0 otherwise. */
  termStartIndex: LogIndex = 0;
  /** uncommittedBytes: leader only, payload bytes in (commit, lastIndex]. */
  uncommittedBytes = 0;
  /** leaderKnownTerm: the latest term in which another node was seen leading. */
  leaderKnownTerm: Term = 0;
  /** appendsPending: the leader has appends to send; they are flushed when a Ready is built. */
  appendsPending = false;
  /** commitBroadcastPending: followers should learn a new commit index even without entries. */
  commitBroadcastPending = false;
  outbox: Message[] = [];
  events: TraceEvent[] = [];
  /** handedHardState: the hard state last handed out (or restored). */
  handedHardState: HardState;
  /** outstanding: the Ready handed out and not yet advanced, with its watermarks. */
  outstanding: { ready: Ready; marks: HandoffMarks } | null = null;

  constructor(config: RaftConfig, restore: RaftRestore) {
    this.config = config;
    this.id = config.id;
    this.peers = config.peers;
    this.others = config.peers.filter((peer) => peer !== config.id);
    this.quorum = quorumSize(config.peers.length);
    this.term = restore.hardState.term;
    this.vote = restore.hardState.vote;
    // A snapshot holds only committed entries. A commit (or applied index) below it means a
    // crash kept the installed snapshot but not the hard state written with it (a torn write),
    // so the snapshot wins. handedHardState keeps the stale copy: the raised commit is handed
    // out in the first Ready, which repairs the disk.
    const snapshotIndex = restore.snapshot?.index ?? 0;
    const commit = Math.max(restore.hardState.commit, snapshotIndex);
    const applied = Math.max(restore.applied, snapshotIndex);
    this.log = new RaftLog(restore.snapshot, restore.entries, commit);
    if (this.log.committed < snapshotIndex) fail(`commit ${this.log.committed} below snapshot ${snapshotIndex}`);
    if (applied > this.log.committed) fail(`applied ${applied} beyond commit ${this.log.committed}`);
    this.handoff = new LogHandoff(this.log.lastIndex(), applied);
    this.handedHardState = restore.hardState;
  }

  /** otherPeers lists every voter except this node. */
  otherPeers(): readonly NodeId[] {
    return this.others;
  }

  /** progressOf returns the leader's progress for `peer`. */
  progressOf(peer: NodeId): Progress {
    const progress = this.progress.get(peer);
    if (progress === undefined) fail(`no progress for ${peer} (role ${this.role})`);
    return progress;
  }

  send(message: Message): void {
    assert(message.from === this.id, "messages are sent from this node");
    assert(message.to !== this.id, "a node never messages itself");
    this.outbox.push(message);
  }

  /** sendAppendResponse answers an append, heartbeat or snapshot from `to`. */
  sendAppendResponse(to: NodeId, reject: boolean, index: LogIndex, rejectHint: RejectHint | null): void {
    this.send({ type: MessageType.AppendResponse, from: this.id, to, term: this.term, reject, index, rejectHint });
  }

  /**
   * emit records an event, stamping the caller's fresh literal in place: spreading a dozen event
   * shapes into a new object went through V8's megamorphic clone path on every commit advance.
   */
  emit(body: EventBody): void {
    const event = body as EventBody & { node: NodeId; term: Term };
    event.node = this.id;
    event.term = this.term;
    this.events.push(event as TraceEvent);
  }

  hardState(): HardState {
    return { term: this.term, vote: this.vote, commit: this.log.committed };
  }

  /** inLease: a follower that heard from a live leader within the election timeout. */
  inLease(): boolean {
    return (
      this.config.checkQuorum &&
      this.leader !== null &&
      this.electionElapsedTicks < this.config.electionTimeoutTicks
    );
  }
}
