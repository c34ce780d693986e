/**
 * RaftNode: the durable driver around the pure RaftCore. It owns the storage (LevelDB), the
 * transport (TCP), the tick timer and the state machine, and runs one loop:
 *
 *   ready() → persist in one synced batch → send → apply → advance()
 *
 * Everything that arrives while a batch is being synced (proposals, appends, votes) is handed out
 * together in the next Ready: group commit. Messages leave only after the Ready that produced
 * them is durable, and entries are applied only after that too (design.md §2).
 *
 * Split by concern: options.ts (options and core config), status.ts (monitoring view),
 * proposals.ts (waiting proposals), local-snapshots.ts (snapshots of our own state machine),
 * snapshot-sender.ts / snapshot-receiver.ts (snapshot transfer), recovery.ts (start-up).
 */
import { EventEmitter } from "node:events";
import { pino, type Logger } from "pino";
import { assert } from "../assert";
import { ProposalError } from "../core/errors";
import { MessageType, type Message, type SnapshotMessage } from "../core/messages";
import { RaftCore } from "../core/raft";
import { Role, type Ready } from "../core/state";
import type { LogIndex, NodeId, Term } from "../core/types";
import { RaftStorage } from "../storage/level-storage";
import { TcpTransport } from "../transport/tcp-transport";
import type { PeerAddress } from "../transport/outbound-peer";
import type { Transport } from "../transport/transport";
import { FrameKind, type Envelope } from "../transport/wire";
import { LeadershipLostError, NodeStoppedError } from "./errors";
import { TICK_INTERVAL_MS_DEFAULT } from "./limits";
import { LocalSnapshots } from "./local-snapshots";
import { isLeaderReplication } from "./message-policy";
import { nodeRaftConfig, validateNodeOptions, type RaftNodeOptions } from "./options";
import { PendingProposals, type ProposalOutcome } from "./proposals";
import { recover } from "./recovery";
import { RepairGate, type RefusalReason, type RepairEvents } from "./repair-gate";
import { SnapshotReceiver } from "./snapshot-receiver";
import { SnapshotSender } from "./snapshot-sender";
import { nodeStatus, type LeaderChange, type NodeStatus } from "./status";

export type { LeaderChange, NodeStatus, PeerStatus } from "./status";

const REFUSALS: Record<RefusalReason, string> = {
  repairing: "raft node: repairing; vote request ignored",
  blank: "raft node: empty log; vote request from a candidate with entries ignored",
  termUnknown: "raft node: term unknown; leader or candidate ignored until every peer has reported its term",
};

interface RaftNodeEvents {
  leaderChange: [LeaderChange];
  error: [Error];
}

/** RaftNode is one durable member of a Raft group. Create with RaftNode.open, then start(). */
export class RaftNode extends EventEmitter<RaftNodeEvents> {
  readonly id: NodeId;
  private readonly pending = new PendingProposals();
  private readonly sender: SnapshotSender;
  private readonly receiver: SnapshotReceiver;
  private readonly snapshots: LocalSnapshots;
  private readonly logger: Logger;
  private applied: LogIndex;
  private appliedTerm: Term;
  private stopping = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private ticker: NodeJS.Timeout | null = null;
  private last: LeaderChange = { leader: null, term: 0, role: Role.Follower };
  private readonly repair: RepairGate;

  private constructor(
    private readonly opts: RaftNodeOptions,
    private readonly core: RaftCore,
    private readonly storage: RaftStorage,
    private readonly transport: Transport,
    recovered: { applied: LogIndex; appliedTerm: Term },
    logger: Logger,
  ) {
    super();
    this.id = opts.id;
    this.logger = logger;
    this.applied = recovered.applied;
    this.appliedTerm = recovered.appliedTerm;
    this.sender = new SnapshotSender(storage, transport, logger, (peer, ok) => {
      this.core.reportSnapshot(peer, ok);
      this.notify();
    });
    this.receiver = new SnapshotReceiver(storage, logger, (msg) => this.stepSnapshot(msg));
    this.repair = new RepairGate(opts.id, opts.members, storage, this.repairEvents());
    this.snapshots = new LocalSnapshots(opts, storage, core, logger, {
      stopping: () => this.stopping, notify: () => this.notify(), fatal: (error) => this.fatal(error),
    });
  }

  /** RaftNode.open loads the data directory, restores the state machine and builds the node. */
  static async open(opts: RaftNodeOptions): Promise<RaftNode> {
    const logger = (opts.logger ?? pino({ level: "silent" })).child({ node: opts.id });
    const config = nodeRaftConfig(opts);
    validateNodeOptions(opts, config);
    const storage = await RaftStorage.open(opts.dataDir);
    let recovered: Awaited<ReturnType<typeof recover>>;
    let core: RaftCore;
    try {
      recovered = await recover(storage, opts.stateMachine, logger);
      core = new RaftCore(config, recovered.restore);
    } catch (error) {
      // Release the directory lock so the operator (or a retry) can open it again.
      await storage.close();
      throw error;
    }
    const transport = opts.transport ?? new TcpTransport({
      id: opts.id, cluster: opts.cluster, secret: opts.secret, logger,
      listen: opts.listen ?? { host: "127.0.0.1", port: 0 },
      peers: opts.peerAddresses ?? Object.fromEntries(opts.members.filter((m) => m !== opts.id).map((m) => [m, null])),
      ...(opts.frameBytesMax === undefined ? {} : { frameBytesMax: opts.frameBytesMax }),
    });
    const st = core.status();
    logger.info({ term: st.term, commit: st.commit, lastIndex: st.lastIndex, applied: recovered.restore.applied },
      "raft node: recovered from disk");
    return new RaftNode(opts, core, storage, transport, {
      applied: recovered.restore.applied, appliedTerm: recovered.appliedTerm,
    }, logger);
  }

  /** address returns where the TCP transport listens (after start). */
  address(): PeerAddress {
    assert(this.transport instanceof TcpTransport, "address() needs the TCP transport");
    return this.transport.address();
  }

  /** setPeerAddress tells the TCP transport where a peer listens. */
  setPeerAddress(peer: NodeId, address: PeerAddress): void {
    assert(this.transport instanceof TcpTransport, "setPeerAddress() needs the TCP transport");
    this.transport.setPeerAddress(peer, address);
  }

  /** start begins listening, ticking and processing. */
  async start(): Promise<void> {
    assert(this.loop === null, "start() called twice");
    await this.transport.start({ onEnvelope: (from, envelope) => this.onEnvelope(from, envelope) });
    const tickMs = this.opts.tickIntervalMs ?? TICK_INTERVAL_MS_DEFAULT;
    this.ticker = setInterval(() => this.onTick(), tickMs);
    this.loop = this.run().catch((error: unknown) => this.fatal(error as Error));
  }

  /**
   * propose replicates `data` as one entry. It resolves with the entry's index once the entry is
   * committed and applied on this node; it rejects with the core's ProposalError (NotLeaderError
   * carries the leader hint), ProposalDroppedError, LeadershipLostError or NodeStoppedError.
   */
  propose(data: Uint8Array): Promise<ProposalOutcome> {
    if (this.stopping) return Promise.reject(new NodeStoppedError("propose after stop"));
    let placed: { index: LogIndex; term: Term };
    try {
      placed = this.core.propose(data);
    } catch (error) {
      if (error instanceof ProposalError) return Promise.reject(error);
      throw error;
    }
    const outcome = this.pending.add(placed.index, placed.term);
    this.notify();
    return outcome;
  }

  /** campaign makes this node start an election now. */
  campaign(): void {
    this.core.campaign();
    this.notify();
  }

  /** transferLeadership asks the leader to hand over to `target`. */
  transferLeadership(target: NodeId): void {
    this.core.transferLeadership(target);
    this.notify();
  }

  /** status reports role, term, leader, commit/applied index and per-peer replication state. */
  status(): NodeStatus {
    return nodeStatus(this.core, this.storage, this.applied);
  }

  /** stop finishes the Ready in progress, closes connections and storage, and fails waiting proposals. */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.halt("node stopped");
    await this.loop;
    await this.transport.stop();
    await this.snapshots.settled();
    await this.storage.close();
  }

  /**
   * kill simulates a crash: sockets are destroyed and the loop abandoned mid-Ready, nothing is
   * flushed or advanced. Storage is closed once the in-flight write settles, so the directory
   * can be reopened in the same process (a real crash is a SIGKILL of the process).
   */
  async kill(): Promise<void> {
    if (this.stopping) return;
    this.halt("node killed");
    await this.transport.stop();
    await this.loop;
    await this.snapshots.settled();
    await this.storage.close(false);
  }

  private halt(reason: string): void {
    this.stopping = true;
    if (this.ticker !== null) clearInterval(this.ticker);
    this.ticker = null;
    this.sender.stop();
    this.notify();
    this.pending.failAll(() => new NodeStoppedError(reason));
  }

  private fatal(error: Error): void {
    this.logger.fatal({ err: error.message, stack: error.stack }, "raft node: fatal error; node halted");
    this.halt(`fatal: ${error.message}`);
    void this.transport.stop();
    // With no "error" listener EventEmitter throws: a crash, as a broken invariant must be.
    this.emit("error", error);
  }

  private onTick(): void {
    // A repairing node, or one whose term is unknown, must not campaign: its election clock stays
    // still. An empty or rejoining log asks the peers that have not answered yet for their term.
    const lastIndex = this.core.lastIndex;
    const peers = this.repair.peersToProbe(lastIndex);
    if (peers.length > 0) this.core.probeTerms(peers);
    if (!this.repair.clockStill(lastIndex)) this.core.tick();
    this.notify();
  }

  private onEnvelope(from: NodeId, envelope: Envelope): void {
    if (this.stopping) return;
    if (envelope.k === FrameKind.SnapshotChunk) {
      this.receiver.onChunk(from, envelope);
      return;
    }
    const msg = envelope.msg;
    if (!this.repair.admit(from, msg, this.core.lastIndex)) return;
    this.core.step(msg);
    this.notify();
  }

  /** repairEvents logs what the repair gate noticed. */
  private repairEvents(): RepairEvents {
    const logger = this.logger;
    return {
      joined: (from, target) => logger.warn({ from, repairTargetIndex: target },
        "raft node: empty log joining a cluster with committed entries; repairing before it votes"),
      termsKnown: () => logger.info({ term: this.core.term },
        "raft node: every peer reported its term; following leaders and voting again"),
      raised: (from, target, previous) => logger.warn({ from, repairTargetIndex: target, previousTargetIndex: previous },
        "raft node: a peer reported a higher commit; repair target raised"),
      refused: (from, msg, reason) => logger.debug({ from, type: msg.type }, REFUSALS[reason]),
      waiting: (target, unreported) => logger.info({ target, unreported },
        "raft node: empty or rejoining log; following no leader and voting for no one until every peer has reported its term"),
      ended: (target) => logger.warn({ commit: this.core.commitIndex, target, term: this.core.term },
        "raft node: repair complete; voting again"),
    };
  }

  private stepSnapshot(msg: SnapshotMessage): void {
    if (this.stopping || !this.repair.admit(msg.from, msg, this.core.lastIndex)) return;
    this.core.step(msg);
    this.notify();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      if (this.snapshots.hasTaken) await this.snapshots.installTaken();
      if (!this.core.hasReady()) {
        await new Promise<void>((resolve) => {
          this.wake = resolve;
        });
        continue;
      }
      const rd = this.core.ready();
      await this.handleReady(rd);
      if (this.stopping) return;
      this.core.advance(rd);
      this.afterReady();
    }
  }

  private async handleReady(rd: Ready): Promise<void> {
    const installed = rd.snapshot === null ? null : this.receiver.take(rd.snapshot);
    if (installed === null) this.receiver.discardUnclaimed();
    // A leader's appends and heartbeats may leave before its own fsync (see isLeaderReplication);
    // everything else (votes, acknowledgements) waits for the sync below. The leader's own write
    // is dispatched before its appends are built: the leader applies nothing, so settles no
    // proposal, until that write is durable, while a given follower's write matters only when it
    // answers first (bench:raft: ~3% more entries/s than building the appends first, 8 of 10 A/B pairs).
    const early = rd.messages.filter(isLeaderReplication);
    const persisted = this.storage.persist({
      hardState: rd.hardState, entries: rd.entries, snapshot: installed, compactedThrough: rd.compactedThrough,
    });
    for (const msg of early) this.send(msg);
    await persisted;
    if (this.stopping) return;
    if (installed !== null) {
      await this.opts.stateMachine.restore(this.storage.readChunks(installed));
      this.applied = installed.meta.index;
      this.appliedTerm = installed.meta.term;
      this.pending.failAll((index) => new LeadershipLostError(index, this.core.leader));
      this.logger.info({ index: installed.meta.index }, "raft node: installed snapshot from the leader");
    }
    let answered = false;
    for (const msg of rd.messages) {
      if (isLeaderReplication(msg)) continue;
      this.send(msg);
      answered = true;
    }
    // Acknowledgements and votes leave now, not after the committed entries are applied (the
    // synchronous part of a real state machine's apply can take most of a round). A
    // leader's Ready answers nothing, so its commit-only appends still wait for the tick's end,
    // where the next round's entries supersede them.
    if (answered) this.transport.flush?.();
    const last = rd.committed.at(-1);
    if (last === undefined) return;
    await this.opts.stateMachine.apply(rd.committed);
    this.applied = last.index;
    this.appliedTerm = last.term;
    for (const entry of rd.committed) this.pending.applied(entry);
  }

  private send(msg: Message): void {
    if (msg.type === MessageType.Snapshot) {
      this.sender.send(msg);
      return;
    }
    if (!this.transport.send(msg.to, { k: FrameKind.Raft, msg })) this.core.reportUnreachable(msg.to);
  }

  private afterReady(): void {
    const core = this.core;
    if (core.leader !== this.last.leader || core.term !== this.last.term || core.role !== this.last.role) {
      const now: LeaderChange = { leader: core.leader, term: core.term, role: core.role };
      if (this.last.role === Role.Leader && now.role !== Role.Leader) {
        this.pending.failAll((index) => new LeadershipLostError(index, now.leader));
      }
      this.last = now;
      this.logger.info(now, "raft node: leadership changed");
      this.emit("leaderChange", now);
    }
    // The vote spent here is written with the ended repair by the next Ready (see repair-gate.ts).
    if (this.repair.settle(core.commitIndex, core.lastIndex)) core.spendVote();
    this.snapshots.maybeTake(this.applied, this.appliedTerm);
  }
}
