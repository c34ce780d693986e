/**
 * The real applied state for batching tests: a StreamStore on a temporary level directory, a
 * BatchingLeader over its views, and a stand-in for Raft that either applies each accepted
 * proposal at once (in log order, like a single-node cluster) or holds proposals until the test
 * applies them, so tests can look at in-flight state between propose and apply.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  StreamStore,
  decodeOp,
  validateStreamConfig,
  type ApplyResult,
  type StoredMessage,
  type StreamOp,
} from "@flotilla/stream";
import {
  BatchingLeader,
  ManualClock,
  type BatchLimitsConfig,
  type InboundMessage,
  type InflightSnapshot,
  type OutboundMessage,
  type PublishOutcome,
} from "@flotilla/batching";

/** Published is a publish outcome plus the PubAck produced when its proposal was applied. */
export interface Published extends PublishOutcome {
  /** answers are the replies the client receives: immediate ones, then the PubAck on apply. */
  readonly answers: OutboundMessage[];
}

/** StoreRig is a store, a leader and a log of proposals. */
export class StoreRig {
  readonly clock = new ManualClock();
  readonly leader: BatchingLeader;
  readonly timerAdvisories: OutboundMessage[] = [];
  /** held proposals when `autoApply` is false. */
  readonly held: Uint8Array[] = [];
  autoApply = true;
  accept = true;
  private raftIndex = 0;
  private nextAdvisory = 0;

  private constructor(
    readonly store: StreamStore,
    private readonly dir: string,
    limits?: BatchLimitsConfig,
  ) {
    this.leader = new BatchingLeader({
      views: (name) => store.view(name),
      propose: (bytes) => {
        if (!this.accept) return false;
        this.held.push(bytes);
        return true;
      },
      clock: this.clock,
      scheduler: this.clock,
      newAdvisoryId: () => `adv-${++this.nextAdvisory}`,
      onTimerAdvisory: (advisory) => this.timerAdvisories.push(advisory),
      ...(limits !== undefined ? { limits } : {}),
    });
  }

  /** open creates a store in a fresh temporary directory. */
  static async open(limits?: BatchLimitsConfig): Promise<StoreRig> {
    const dir = await mkdtemp(join(tmpdir(), "flotilla-batching-"));
    return new StoreRig(await StreamStore.open(join(dir, "store")), dir, limits);
  }

  /** createStream validates and applies a stream.create op. */
  async createStream(config: Record<string, unknown>): Promise<void> {
    const others = this.store.streams().map((v) => v.config);
    await this.apply({ op: "stream.create", config: validateStreamConfig(config, others) });
  }

  /** updateStream applies a stream.update op with the merged configuration. */
  async updateStream(name: string, changes: Record<string, unknown>): Promise<void> {
    const current = this.store.view(name)?.config;
    if (current === undefined) throw new Error(`no stream ${name}`);
    const others = this.store.streams().map((v) => v.config).filter((c) => c.name !== name);
    const config = validateStreamConfig({ ...current, ...changes }, others);
    await this.apply({ op: "stream.update", config });
    this.leader.onStreamUpdated(name);
  }

  /** apply applies one op as the next Raft entry and tells the leader. */
  async apply(op: StreamOp): Promise<{ result: ApplyResult; ack: OutboundMessage | null }> {
    this.raftIndex += 1;
    const result = await this.store.apply(this.raftIndex, op);
    const ack = this.leader.onApplied(result);
    return { result, ack };
  }

  /** applyHeld applies every held proposal in order; returns the PubAcks produced. */
  async applyHeld(): Promise<OutboundMessage[]> {
    const acks: OutboundMessage[] = [];
    while (this.held.length > 0) {
      const bytes = this.held.shift() as Uint8Array;
      const { ack } = await this.apply(decodeOp(bytes));
      if (ack !== null) acks.push(ack);
    }
    return acks;
  }

  /** publish runs one publish; with autoApply the proposal is applied and its PubAck added. */
  async publish(stream: string, msg: InboundMessage): Promise<Published> {
    const outcome = this.leader.publish(stream, msg);
    const answers = [...outcome.replies];
    if (this.autoApply) answers.push(...(await this.applyHeld()));
    return { ...outcome, answers };
  }

  /** messages reads every stored message of `stream` in sequence order. */
  async messages(stream: string): Promise<StoredMessage[]> {
    const view = this.store.view(stream);
    if (view === undefined) return [];
    const out: StoredMessage[] = [];
    const state = view.state();
    for (let seq = state.first_seq; seq <= state.last_seq; seq++) {
      const msg = await view.getMessage(seq);
      if (msg !== undefined) out.push(msg);
    }
    return out;
  }

  /** close closes the store and removes its directory. */
  async close(): Promise<void> {
    this.leader.onLeadershipLost();
    await this.store.close();
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** EMPTY_INFLIGHT is the in-flight snapshot of a stream with nothing proposed and unapplied. */
export const EMPTY_INFLIGHT: InflightSnapshot = {
  msgIds: [],
  subjects: {},
  expectedPerSubjectSequence: {},
  expectedPerSubjectInProcess: [],
  transforms: {},
  pendingProposals: 0,
};

const decoder = new TextDecoder();

/** text decodes bytes (or null) for assertions. */
export function text(bytes: Uint8Array | null | undefined): string | null {
  return bytes === null || bytes === undefined ? null : decoder.decode(bytes);
}
