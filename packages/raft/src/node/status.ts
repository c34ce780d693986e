/**
 * Monitoring view of a RaftNode: the shapes `status()` returns and "leaderChange" emits, and how
 * the status is assembled from the core, the storage and the driver's own counters.
 */
import type { PeerProgress, RaftCore, RaftStatus } from "../core/raft";
import type { Role } from "../core/state";
import type { LogIndex, NodeId, Term } from "../core/types";
import type { RaftStorage } from "../storage/level-storage";
import type { SyncLatencyHistogram } from "../storage/sync-latency";

/** PeerStatus is the leader's view of one member, for monitoring. */
export interface PeerStatus {
  readonly match: LogIndex;
  readonly next: LogIndex;
  readonly state: PeerProgress["state"];
  readonly inflight: number;
  /** lag: how many entries the member is behind the leader's last index. */
  readonly lag: number;
}

/** NodeStatus is RaftStatus plus the driver's view (applied index, repair mode, per-peer lag). */
export interface NodeStatus extends Omit<RaftStatus, "progress"> {
  readonly peers: Readonly<Record<NodeId, PeerStatus>>;
  /**
   * repairing: storage corruption was found (now or before a restart), or an empty log rejoined a
   * cluster with committed entries; the node neither votes nor campaigns until its log holds the
   * repair target (and, rejoining, follows no leader until every peer has reported its term).
   */
  readonly repairing: boolean;
  readonly snapshotIndex: LogIndex;
  /** syncs counts fsynced storage batches since open; far fewer than entries under load (group commit). */
  readonly syncs: number;
  /** syncLatency: how long those syncs took, as a histogram that only counts up (read it twice for a window). */
  readonly syncLatency: SyncLatencyHistogram;
  /** durable: the last log index, term and vote known to be fsynced on this node. */
  readonly durable: { readonly lastIndex: LogIndex; readonly term: Term; readonly vote: NodeId | null };
}

/** LeaderChange is emitted as "leaderChange" whenever the known leader, term or own role changes. */
export interface LeaderChange {
  readonly leader: NodeId | null;
  readonly term: Term;
  readonly role: Role;
}

/** nodeStatus assembles a NodeStatus from the core's status, the storage and the driver's state. */
export function nodeStatus(core: RaftCore, storage: RaftStorage, applied: LogIndex): NodeStatus {
  const { progress, ...st } = core.status();
  const peers: Record<NodeId, PeerStatus> = {};
  for (const [peer, p] of Object.entries(progress)) peers[peer] = { ...p, lag: st.lastIndex - p.match };
  return {
    ...st, applied, peers, repairing: storage.repairTarget > 0,
    snapshotIndex: storage.snapshot?.meta.index ?? 0, syncs: storage.syncCount,
    syncLatency: storage.syncLatency.read(),
    durable: storage.durable(),
  };
}
