/**
 * MemoryNetwork: an in-process Transport implementation for tests and simulation. Envelopes are
 * delivered asynchronously (one macrotask later, in send order per link) and links can be cut
 * and healed, so a RaftNode cluster can run without sockets.
 */
import { assert } from "../assert";
import type { NodeId } from "../core/types";
import type { Transport, TransportHandler } from "./transport";
import type { Envelope } from "./wire";

/** MemoryNetwork connects MemoryTransports by node id. */
export class MemoryNetwork {
  private readonly handlers = new Map<NodeId, TransportHandler>();
  private readonly cut = new Set<string>();
  private lossy: ((from: NodeId, to: NodeId, envelope: Envelope) => boolean) | null = null;

  /** transport returns the Transport endpoint of node `id`. */
  transport(id: NodeId): Transport {
    return new MemoryTransport(this, id);
  }

  /** cutLink drops what `from` sends to `to` while `to` still reaches `from`: a one-way fault. */
  cutLink(from: NodeId, to: NodeId): void {
    this.cut.add(`${from}>${to}`);
  }

  /** partition cuts the links between `a` and `b`, both directions. */
  partition(a: NodeId, b: NodeId): void {
    this.cutLink(a, b);
    this.cutLink(b, a);
  }

  /** isolate cuts every link of `id`. */
  isolate(id: NodeId, members: readonly NodeId[]): void {
    for (const other of members) if (other !== id) this.partition(id, other);
  }

  /**
   * loseWhere loses in flight every envelope `lost` picks (null: none), as a network that drops
   * some packets: the sender is not told. It replaces the previous choice.
   */
  loseWhere(lost: ((from: NodeId, to: NodeId, envelope: Envelope) => boolean) | null): void {
    this.lossy = lost;
  }

  /** heal restores every link and loses nothing more. */
  heal(): void {
    this.cut.clear();
    this.lossy = null;
  }

  /** attach registers a started endpoint (internal to MemoryTransport). */
  attach(id: NodeId, handler: TransportHandler | null): void {
    if (handler === null) this.handlers.delete(id);
    else this.handlers.set(id, handler);
  }

  /** deliver sends one envelope; false when the link is cut or nobody listens. */
  deliver(from: NodeId, to: NodeId, envelope: Envelope): boolean {
    if (this.cut.has(`${from}>${to}`) || !this.handlers.has(to)) return false;
    if (this.lossy?.(from, to, envelope) === true) return true;
    setImmediate(() => {
      const handler = this.handlers.get(to);
      if (handler !== undefined && !this.cut.has(`${from}>${to}`)) handler.onEnvelope(from, envelope);
    });
    return true;
  }
}

/** MemoryTransport is one node's endpoint on a MemoryNetwork. */
class MemoryTransport implements Transport {
  private started = false;

  constructor(private readonly network: MemoryNetwork, private readonly id: NodeId) {}

  async start(handler: TransportHandler): Promise<void> {
    assert(!this.started, "transport started twice");
    this.started = true;
    this.network.attach(this.id, handler);
  }

  send(to: NodeId, envelope: Envelope): boolean {
    if (!this.started) return false;
    return this.network.deliver(this.id, to, envelope);
  }

  drained(to: NodeId): Promise<boolean> {
    return Promise.resolve(this.started && to !== this.id);
  }

  async stop(): Promise<void> {
    this.started = false;
    this.network.attach(this.id, null);
  }
}
