/**
 * SimNetwork: a deterministic packet network between simulated nodes.
 *
 * It can lose, duplicate, delay (sometimes for very long: stale packets from old terms) and
 * reorder packets, cut single links in one direction, isolate
 * nodes and partition the cluster into groups. A packet is judged when it becomes due: it is
 * lost if its link is down at that moment (packets in flight on a cut link are lost too) or by
 * the loss rate. Packets that become due in the same tick are handed out in random order.
 */
import { PACKETS_IN_FLIGHT_MAX } from "./limits";
import type { NetworkOptions } from "./options";
import type { SimPrng } from "./prng";
import type { Message, NodeId } from "./raft";

/** PacketPayload is either a Raft message or one chunk of a snapshot transfer. */
export type PacketPayload =
  | { readonly kind: "message"; readonly message: Message }
  | { readonly kind: "snapshotChunk"; readonly transferId: number; readonly chunkIndex: number };

/** Packet is one payload on its way from `from` to `to`. */
export interface Packet {
  readonly id: number;
  readonly from: NodeId;
  readonly to: NodeId;
  readonly deliverAtTick: number;
  readonly payload: PacketPayload;
}

/** Verdict says what happens to a due packet. */
export const Verdict = { Deliver: "deliver", Lost: "lost", LinkDown: "linkDown" } as const;
export type Verdict = (typeof Verdict)[keyof typeof Verdict];

function linkKey(from: NodeId, to: NodeId): string {
  return `${from}>${to}`;
}

/** SimNetwork holds the packets in flight and the state of every directed link. */
export class SimNetwork {
  private readonly inFlight: Packet[] = [];
  private readonly blockedLinks = new Set<string>();
  private packetIdNext = 1;
  private calm = false;
  /** overflowDrops counts packets refused because PACKETS_IN_FLIGHT_MAX was reached. */
  overflowDrops = 0;

  constructor(
    readonly nodeIds: readonly NodeId[],
    private readonly prng: SimPrng,
    private readonly options: NetworkOptions,
  ) {
    if (options.packetDelayTicksMax < options.packetDelayTicksMin) {
      throw new RangeError("packetDelayTicksMax must be >= packetDelayTicksMin");
    }
  }

  /** send queues `payload` (and, by the duplicate rate, a copy); returns the queued packets. */
  send(from: NodeId, to: NodeId, payload: PacketPayload, nowTicks: number): Packet[] {
    const copies = !this.calm && this.prng.chance(this.options.packetDuplicateProbability) ? 2 : 1;
    const queued: Packet[] = [];
    for (let copy = 0; copy < copies; copy++) {
      if (this.inFlight.length >= PACKETS_IN_FLIGHT_MAX) {
        this.overflowDrops++;
        continue;
      }
      const packet: Packet = {
        id: this.packetIdNext++,
        from,
        to,
        deliverAtTick: nowTicks + this.delayTicks(),
        payload,
      };
      this.inFlight.push(packet);
      queued.push(packet);
    }
    return queued;
  }

  private delayTicks(): number {
    const min = this.options.packetDelayTicksMin;
    if (!this.calm && this.prng.chance(this.options.packetDelaySpikeProbability)) {
      return this.prng.rangeInclusive(min, Math.max(min, this.options.packetDelaySpikeTicksMax));
    }
    const max = this.calm ? Math.min(min + 1, this.options.packetDelayTicksMax) : this.options.packetDelayTicksMax;
    return this.prng.rangeInclusive(min, max);
  }

  /** takeDue removes and returns the packets due by `nowTicks`, in random order. */
  takeDue(nowTicks: number): Packet[] {
    const due: Packet[] = [];
    let kept = 0;
    for (const packet of this.inFlight) {
      if (packet.deliverAtTick <= nowTicks) due.push(packet);
      else this.inFlight[kept++] = packet;
    }
    this.inFlight.length = kept;
    return this.prng.shuffle(due);
  }

  /** requeue puts a due packet back until `deliverAtTick` (its receiver is paused). */
  requeue(packet: Packet, deliverAtTick: number): void {
    this.inFlight.push({ ...packet, deliverAtTick });
  }

  /** judge decides the fate of a due packet: delivered, lost by the loss rate, or on a cut link. */
  judge(packet: Packet): Verdict {
    if (!this.linkUp(packet.from, packet.to)) return Verdict.LinkDown;
    if (!this.calm && this.prng.chance(this.options.packetLossProbability)) return Verdict.Lost;
    return Verdict.Deliver;
  }

  /** inFlightCount is the number of packets not yet due. */
  inFlightCount(): number {
    return this.inFlight.length;
  }

  /** linkUp says whether packets from `from` reach `to`. */
  linkUp(from: NodeId, to: NodeId): boolean {
    return !this.blockedLinks.has(linkKey(from, to));
  }

  /** cutLink blocks the direction from -> to only. */
  cutLink(from: NodeId, to: NodeId): void {
    this.assertNode(from);
    this.assertNode(to);
    if (from === to) throw new RangeError(`cannot cut the link of ${from} to itself`);
    this.blockedLinks.add(linkKey(from, to));
  }

  /** healLink unblocks the direction from -> to. */
  healLink(from: NodeId, to: NodeId): void {
    this.blockedLinks.delete(linkKey(from, to));
  }

  /** isolate cuts every link into and out of `node`. */
  isolate(node: NodeId): void {
    for (const other of this.nodeIds) {
      if (other === node) continue;
      this.cutLink(node, other);
      this.cutLink(other, node);
    }
  }

  /** partition cuts every link between different groups; oneWay cuts only lower -> higher group. */
  partition(groups: readonly (readonly NodeId[])[], oneWay: boolean): void {
    const seen = new Set<NodeId>();
    for (const group of groups) for (const node of group) seen.add(node);
    if (seen.size !== this.nodeIds.length || groups.flat().length !== this.nodeIds.length) {
      throw new RangeError("partition groups must cover every node exactly once");
    }
    groups.forEach((group, groupIndex) => {
      groups.forEach((other, otherIndex) => {
        if (groupIndex === otherIndex || (oneWay && otherIndex < groupIndex)) return;
        for (const from of group) for (const to of other) this.cutLink(from, to);
      });
    });
  }

  /** healAll restores every link. */
  healAll(): void {
    this.blockedLinks.clear();
  }

  /** blockedLinkCount is the number of blocked directions. */
  blockedLinkCount(): number {
    return this.blockedLinks.size;
  }

  /** setCalm turns off loss and duplication and shortens delays (the liveness phase). */
  setCalm(calm: boolean): void {
    this.calm = calm;
  }

  private assertNode(node: NodeId): void {
    if (!this.nodeIds.includes(node)) throw new RangeError(`unknown node ${node}`);
  }
}
