/**
 * OutboundPeer: the single outbound TCP connection from this node to one peer. It dials, sends
 * the hello, then writes frames as they come (pipelined, no waiting for responses). On failure it
 * redials with exponential backoff until stopped.
 */
import { Socket, connect } from "node:net";
import type { Logger } from "pino";
import type { NodeId } from "../core/types";
import { assert } from "../assert";
import { encodeFrame } from "./framing";
import {
  OUTBOUND_BUFFERED_BYTES_MAX, RECONNECT_BACKOFF_MS_MAX, RECONNECT_BACKOFF_MS_MIN, SNAPSHOT_SEND_BUFFERED_BYTES_MAX,
  SUPERSEDABLE_FRAME_BYTES_MAX, TRANSPORT_PROTOCOL_VERSION,
} from "./limits";
import type { Message } from "../core/messages";
import { mayBeSuperseded, supersededBy } from "./coalesce";
import { FrameKind, encodeEnvelopeFrame, frameBytes, handshakeProof, type Envelope, type HelloFrame } from "./wire";

/** PeerAddress is where a peer listens. */
export interface PeerAddress {
  readonly host: string;
  readonly port: number;
}

/** OutboundPeerOptions configures one outbound link. */
export interface OutboundPeerOptions {
  readonly self: NodeId;
  readonly peer: NodeId;
  readonly cluster: string;
  readonly secret: string | Uint8Array;
  readonly address: () => PeerAddress | null;
  readonly logger: Logger;
}

/**
 * QueuedFrame is one envelope sent this tick and its encoded frame, or null for a message a later
 * one may supersede: that is encoded only at the flush, and only if still needed. A leader's
 * commit-only Append of every round was encoded only to be dropped, and on the leader it was the
 * dearest encode of the round (the first work after the acknowledgement that commits it).
 */
interface QueuedFrame {
  readonly envelope: Envelope;
  readonly pieces: readonly Uint8Array[] | null;
}

/** OutboundPeer owns one reconnecting connection. */
export class OutboundPeer {
  private socket: Socket | null = null;
  private ready = false;
  private stopped = false;
  private backoffMs = RECONNECT_BACKOFF_MS_MIN;
  private timer: NodeJS.Timeout | null = null;
  private waiters: Array<(ok: boolean) => void> = [];
  /** queued: frames sent during this tick, written together by `flush` at its end. */
  private queued: QueuedFrame[] = [];
  private queuedBytes = 0;

  constructor(private readonly opts: OutboundPeerOptions) {}

  /** start dials the peer now. */
  start(): void {
    this.dial();
  }

  /** connected says whether the link is up and the hello has been written. */
  get connected(): boolean {
    return this.ready;
  }

  /**
   * send encodes one envelope and queues it; the tick's queue is written at its end. False when
   * it had to be dropped: no connection, or the socket and the queue together already hold
   * OUTBOUND_BUFFERED_BYTES_MAX. Frames are encoded here, not at the flush, so that the bound
   * counts their real size; a message a later one may supersede counts as
   * SUPERSEDABLE_FRAME_BYTES_MAX until the flush encodes it (see QueuedFrame).
   */
  send(envelope: Envelope): boolean {
    const socket = this.socket;
    if (!this.ready || socket === null) return false;
    if (socket.writableLength + this.queuedBytes > OUTBOUND_BUFFERED_BYTES_MAX) return false;
    const deferred = envelope.k === FrameKind.Raft && mayBeSuperseded(envelope.msg);
    const pieces = deferred ? null : encodeEnvelopeFrame(envelope);
    if (this.queued.length === 0) process.nextTick(this.flush);
    this.queued.push({ envelope, pieces });
    this.queuedBytes += pieces === null ? SUPERSEDABLE_FRAME_BYTES_MAX : frameBytes(pieces);
    return true;
  }

  /**
   * flush writes the queued frames in one writev (a loopback write costs tens of microseconds,
   * and a Ready cycle often sends several messages to one peer), leaving out those a later one
   * supersedes (coalesce.ts). It runs at the end of the tick, or earlier when asked.
   */
  readonly flush = (): void => {
    if (this.queued.length === 0) return;
    const queued = this.queued;
    this.queued = [];
    this.queuedBytes = 0;
    const socket = this.socket;
    if (!this.ready || socket === null) return;
    socket.cork();
    try {
      for (let i = 0; i < queued.length; i++) {
        const { envelope, pieces } = queued[i]!;
        // Only a deferred frame (pieces === null) may be superseded: send decided that once.
        if (pieces === null && this.superseded(envelope.msg, queued, i + 1)) continue;
        for (const piece of pieces ?? encodeSupersedable(envelope)) socket.write(piece);
      }
    } finally {
      socket.uncork();
    }
  };

  private superseded(msg: Message, queued: readonly QueuedFrame[], from: number): boolean {
    for (let j = from; j < queued.length; j++) {
      const later = queued[j]!.envelope;
      if (later.k === FrameKind.Raft && supersededBy(msg, later.msg)) return true;
    }
    return false;
  }

  /** drained waits until the socket buffer is below the snapshot streaming watermark. */
  drained(): Promise<boolean> {
    // What is still queued counts too: write it now rather than at the end of the tick.
    this.flush();
    const socket = this.socket;
    if (!this.ready || socket === null) return Promise.resolve(false);
    if (socket.writableLength <= SNAPSHOT_SEND_BUFFERED_BYTES_MAX) return Promise.resolve(true);
    return new Promise((resolve) => {
      this.waiters.push(resolve);
    });
  }

  /** destroy drops the current connection at once (as a crash would); it is redialed unless stopped. */
  destroyConnection(): void {
    this.socket?.destroy();
  }

  /** stop closes the link for good. */
  stop(): void {
    this.stopped = true;
    this.queued = [];
    this.queuedBytes = 0;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.socket?.destroy();
    this.socket = null;
    this.settleWaiters(false);
  }

  private dial(): void {
    assert(this.socket === null, "dial with a live socket");
    if (this.stopped) return;
    const address = this.opts.address();
    if (address === null) {
      this.scheduleRedial();
      return;
    }
    const socket = connect({ host: address.host, port: address.port });
    socket.setNoDelay(true);
    this.socket = socket;
    socket.on("connect", () => this.onConnect(socket));
    socket.on("drain", () => this.settleWaiters(true));
    socket.on("data", () => {
      // The acceptor never writes on this connection; anything it sends is ignored.
    });
    socket.on("error", (error) => {
      this.opts.logger.debug({ peer: this.opts.peer, err: error.message }, "raft transport: outbound error");
    });
    socket.on("close", () => this.onClose(socket));
  }

  private onConnect(socket: Socket): void {
    const hello: HelloFrame = {
      k: FrameKind.Hello,
      version: TRANSPORT_PROTOCOL_VERSION,
      cluster: this.opts.cluster,
      from: this.opts.self,
      to: this.opts.peer,
      proof: handshakeProof(this.opts.secret, this.opts.cluster, this.opts.self, this.opts.peer),
    };
    socket.write(encodeFrame(hello));
    this.ready = true;
    this.backoffMs = RECONNECT_BACKOFF_MS_MIN;
    this.opts.logger.debug({ peer: this.opts.peer }, "raft transport: connected");
  }

  private onClose(socket: Socket): void {
    if (this.socket !== socket) return;
    this.socket = null;
    this.ready = false;
    this.settleWaiters(false);
    this.scheduleRedial();
  }

  private scheduleRedial(): void {
    if (this.stopped) return;
    const delayMs = this.backoffMs;
    this.backoffMs = Math.min(this.backoffMs * 2, RECONNECT_BACKOFF_MS_MAX);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.dial();
    }, delayMs);
  }

  private settleWaiters(ok: boolean): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve(ok);
  }
}

/** encodeSupersedable encodes a deferred frame at the flush, holding it to the size it was counted at. */
function encodeSupersedable(envelope: Envelope): Uint8Array[] {
  const pieces = encodeEnvelopeFrame(envelope);
  assert(frameBytes(pieces) <= SUPERSEDABLE_FRAME_BYTES_MAX, "a supersedable frame exceeds SUPERSEDABLE_FRAME_BYTES_MAX");
  return pieces;
}
