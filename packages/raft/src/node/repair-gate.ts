/**
 * RepairGate: repair mode, the driver's guard for a node whose log may lack entries it once
 * acknowledged (records dropped on load, or a wiped directory). It decides which messages reach
 * the core, which peers to probe, and when the repair ends. It does no I/O: the durable repair
 * state lives in a RepairTargetStore (RaftStorage), and what it notices goes to RepairEvents (the
 * node's log). The node driver and the core's test harness both run it.
 *
 * A repairing node votes for no one until its log holds the target. A node whose log is empty,
 * or that is rejoining (the repair began when an empty log met a leader with committed entries),
 * may have lost its term and vote with its directory: until every peer has reported its term and
 * commit since this process started (see core/probe.ts for why every peer) it follows no leader,
 * votes for no one and never campaigns. Acknowledging a stale leader's entries could let it
 * commit what a leader of a term the node forgot lacks, and a vote could be its second in a term.
 * Once all have reported, the caller spends the core's vote in its current term.
 */
import { isFromLeader, MessageType, type Message } from "../core/messages";
import type { LogIndex, NodeId } from "../core/types";
import { joinRepairTarget, refusedWhileBlank, refusedWhileRepairing } from "./message-policy";

/** RepairTargetStore keeps the repair state durably (target 0: not repairing). */
export interface RepairTargetStore {
  readonly repairTarget: LogIndex;
  /** rejoining: the repair began from an empty log. */
  readonly rejoining: boolean;
  raiseRepairTarget(target: LogIndex, rejoin?: boolean): void;
  endRepair(): void;
}

/** MemoryRepairTargetStore keeps the repair state in memory: for tests and the core's test harness. */
export class MemoryRepairTargetStore implements RepairTargetStore {
  repairTarget: LogIndex = 0;
  rejoining = false;

  raiseRepairTarget(target: LogIndex, rejoin = false): void {
    this.repairTarget = Math.max(this.repairTarget, target);
    if (rejoin) this.rejoining = true;
  }

  endRepair(): void {
    this.repairTarget = 0;
    this.rejoining = false;
  }
}

/**
 * Why a message did not reach the core: a vote while repairing, or from a candidate with entries
 * while the log is empty; a leader's word or a vote while the term is unknown.
 */
export type RefusalReason = "repairing" | "blank" | "termUnknown";

/** RepairEvents: what the gate noticed, for the log. */
export interface RepairEvents {
  /** an empty log met a leader's message or a report with a commit above 0 and repairs up to it: a rejoin. */
  joined(from: NodeId, target: LogIndex): void;
  /** an empty or rejoining log heard every peer's term: it follows leaders again (once per process). */
  termsKnown(): void;
  /** a peer reported a commit above the repair target, which now covers it. */
  raised(from: NodeId, target: LogIndex, previous: LogIndex): void;
  refused(from: NodeId, msg: Message, reason: RefusalReason): void;
  /** an empty or rejoining log starts asking the peers that have not reported (once per process). */
  waiting(target: LogIndex, unreported: readonly NodeId[]): void;
  ended(target: LogIndex): void;
}

/** RepairGate holds the in-memory part of repair mode: which peers reported since start. */
export class RepairGate {
  private readonly reported = new Set<NodeId>();
  /** waitingNoted: the wait for reports was announced (in this process). */
  private waitingNoted = false;
  /** spent: the vote was spent once every peer had reported (in this process). */
  private spent = false;

  constructor(
    private readonly self: NodeId,
    private readonly members: readonly NodeId[],
    private readonly store: RepairTargetStore,
    private readonly events: RepairEvents,
  ) {}

  /** repairing: the node neither votes nor campaigns. */
  get repairing(): boolean {
    return this.store.repairTarget > 0;
  }

  /** clockStill: the election clock must not run (repairing, or the term still unknown). */
  clockStill(lastIndex: LogIndex): boolean {
    return this.repairing || this.termUnknown(lastIndex);
  }

  /**
   * peersToProbe: the peers to ask for their term now: with an empty or rejoining log, those that
   * have not reported since start. The first time there are some, the wait is announced.
   */
  peersToProbe(lastIndex: LogIndex): NodeId[] {
    if (!this.mayHaveLostTerm(lastIndex)) return [];
    const unreported = this.unreportedPeers();
    if (unreported.length > 0 && !this.waitingNoted) {
      this.waitingNoted = true;
      this.events.waiting(this.store.repairTarget, unreported);
    }
    return unreported;
  }

  /** mayHaveLostTerm: an empty log (maybe a wiped one) or a rejoin. */
  private mayHaveLostTerm(lastIndex: LogIndex): boolean {
    return lastIndex === 0 || this.store.rejoining;
  }

  private termUnknown(lastIndex: LogIndex): boolean {
    return this.mayHaveLostTerm(lastIndex) && this.unreportedPeers().length > 0;
  }

  private unreportedPeers(): NodeId[] {
    return this.members.filter((member) => member !== this.self && !this.reported.has(member));
  }

  /**
   * admit returns whether `msg` may reach the core, after its effects on the repair: the first
   * leader's message an empty log receives may start a rejoin, and a report counts its sender and
   * may raise the target (what the node acknowledged before losing its directory may have been
   * committed by another leader than the one that reached it first, up to that leader's commit).
   */
  admit(from: NodeId, msg: Message, lastIndex: LogIndex): boolean {
    const joinTarget = joinRepairTarget(msg, lastIndex, this.store.repairTarget);
    if (joinTarget > 0) {
      this.store.raiseRepairTarget(joinTarget, true);
      this.events.joined(from, joinTarget);
    }
    if (msg.type === MessageType.TermReport) this.onReport(from, msg.commit, lastIndex);
    if ((isFromLeader(msg) || refusedWhileRepairing(msg)) && this.termUnknown(lastIndex)) {
      this.events.refused(from, msg, "termUnknown");
      return false;
    }
    if (this.repairing && refusedWhileRepairing(msg)) {
      this.events.refused(from, msg, "repairing");
      return false;
    }
    if (refusedWhileBlank(msg, lastIndex)) {
      this.events.refused(from, msg, "blank");
      return false;
    }
    return true;
  }

  /**
   * settle runs after each Ready (whose reports the core has stepped). It ends a repair whose log
   * holds the target (a rejoin only once every peer has reported since start, as a restart may
   * find the log already there). True when the vote is to be spent now: the log is empty or
   * rejoining and every peer has just been heard, so the core's term is final for this purpose.
   */
  settle(commit: LogIndex, lastIndex: LogIndex): boolean {
    let spend = false;
    if (!this.spent && this.mayHaveLostTerm(lastIndex) && this.unreportedPeers().length === 0) {
      this.spent = true;
      spend = true;
    }
    const target = this.store.repairTarget;
    if (target === 0 || commit < target || lastIndex < target) return spend;
    if (this.store.rejoining && this.unreportedPeers().length > 0) return spend;
    this.store.endRepair();
    this.events.ended(target);
    return spend;
  }

  private onReport(from: NodeId, commit: LogIndex, lastIndex: LogIndex): void {
    if (this.reported.has(from)) return;
    this.reported.add(from);
    if (!this.mayHaveLostTerm(lastIndex)) return;
    const target = this.store.repairTarget;
    if (commit > target) {
      // An empty log that hears of a commit is rejoining a cluster, as from a leader's message.
      const joining = target === 0;
      this.store.raiseRepairTarget(commit, true);
      if (joining) this.events.joined(from, commit);
      else this.events.raised(from, commit, target);
    }
    if (this.unreportedPeers().length === 0) this.events.termsKnown();
  }
}
