/**
 * TcpTransport: the Transport over node:net. It listens for inbound connections (one per peer,
 * each opened by a hello frame that must prove the shared secret) and keeps one OutboundPeer per
 * peer. Inbound connections only carry frames towards us; we answer over our own outbound link.
 *
 * A malformed or unauthenticated inbound connection is closed with a logged reason; nothing else
 * is affected.
 */
import { Server, Socket, createServer } from "node:net";
import type { Logger } from "pino";
import type { NodeId } from "../core/types";
import { assert } from "../assert";
import { FrameDecoder, FrameError } from "./framing";
import { FRAME_BYTES_MAX_DEFAULT, HANDSHAKE_FRAME_BYTES_MAX, HANDSHAKE_TIMEOUT_MS, INBOUND_CONNECTIONS_MAX } from "./limits";
import { OutboundPeer, type PeerAddress } from "./outbound-peer";
import type { Transport, TransportHandler } from "./transport";
import { handshakeProof, parseEnvelope, parseHello, proofMatches } from "./wire";

/** TcpTransportOptions configures a TcpTransport. */
export interface TcpTransportOptions {
  readonly id: NodeId;
  readonly cluster: string;
  /** secret is shared by all members; a connection that cannot prove it is refused. */
  readonly secret: string | Uint8Array;
  /** listen: where to accept connections; port 0 picks an ephemeral port (see `address`). */
  readonly listen: PeerAddress;
  /** peers maps every other member to its address (null: not known yet, see setPeerAddress). */
  readonly peers: Readonly<Record<NodeId, PeerAddress | null>>;
  readonly logger: Logger;
  readonly frameBytesMax?: number;
}

interface Inbound {
  readonly socket: Socket;
  peer: NodeId | null;
  handshakeTimer: NodeJS.Timeout | null;
}

/** TcpTransport implements Transport with TCP sockets. */
export class TcpTransport implements Transport {
  private readonly server: Server;
  private readonly outbound = new Map<NodeId, OutboundPeer>();
  private readonly addresses = new Map<NodeId, PeerAddress | null>();
  private readonly inbound = new Set<Inbound>();
  private readonly frameBytesMax: number;
  private handler: TransportHandler | null = null;
  private listening: PeerAddress | null = null;

  constructor(private readonly opts: TcpTransportOptions) {
    assert(!(opts.id in opts.peers), "peers must not include this node");
    this.frameBytesMax = opts.frameBytesMax ?? FRAME_BYTES_MAX_DEFAULT;
    assert(this.frameBytesMax > HANDSHAKE_FRAME_BYTES_MAX, "frameBytesMax must exceed the handshake frame limit");
    for (const [peer, address] of Object.entries(opts.peers)) this.addresses.set(peer, address);
    this.server = createServer((socket) => this.accept(socket));
  }

  /** address returns where this transport listens (after start). */
  address(): PeerAddress {
    assert(this.listening !== null, "address() before start()");
    return this.listening;
  }

  /** setPeerAddress sets or changes where a peer listens (used with ephemeral ports). */
  setPeerAddress(peer: NodeId, address: PeerAddress): void {
    assert(this.addresses.has(peer), `unknown peer ${peer}`);
    this.addresses.set(peer, address);
  }

  async start(handler: TransportHandler): Promise<void> {
    assert(this.handler === null, "transport started twice");
    this.handler = handler;
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(this.opts.listen.port, this.opts.listen.host, () => {
        this.server.off("error", reject);
        resolve();
      });
    });
    const bound = this.server.address();
    assert(bound !== null && typeof bound === "object", "server bound to a TCP address");
    this.listening = { host: this.opts.listen.host, port: bound.port };
    for (const peer of this.addresses.keys()) {
      const link = new OutboundPeer({
        self: this.opts.id, peer, cluster: this.opts.cluster, secret: this.opts.secret,
        address: () => this.addresses.get(peer) ?? null, logger: this.opts.logger,
      });
      this.outbound.set(peer, link);
      link.start();
    }
  }

  send(to: NodeId, envelope: Parameters<Transport["send"]>[1]): boolean {
    return this.outbound.get(to)?.send(envelope) ?? false;
  }

  flush(): void {
    for (const link of this.outbound.values()) link.flush();
  }

  drained(to: NodeId): Promise<boolean> {
    return this.outbound.get(to)?.drained() ?? Promise.resolve(false);
  }

  /** connectedTo says whether the outbound link to `peer` is up. */
  connectedTo(peer: NodeId): boolean {
    return this.outbound.get(peer)?.connected ?? false;
  }

  /** resetPeer drops the outbound connection to `peer` at once; it is redialed with backoff. */
  resetPeer(peer: NodeId): void {
    this.outbound.get(peer)?.destroyConnection();
  }

  /** authenticatedInbound lists peers with an authenticated inbound connection. */
  authenticatedInbound(): NodeId[] {
    return [...this.inbound].flatMap((c) => (c.peer === null ? [] : [c.peer])).sort();
  }

  /** stop destroys every connection (no goodbye is needed: peers just see a closed socket). */
  async stop(): Promise<void> {
    for (const link of this.outbound.values()) link.stop();
    for (const conn of this.inbound) conn.socket.destroy();
    this.inbound.clear();
    if (!this.server.listening) return;
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: Socket): void {
    if (this.inbound.size >= INBOUND_CONNECTIONS_MAX) {
      this.opts.logger.warn({ remote: socket.remoteAddress }, "raft transport: refused connection: too many connections");
      socket.destroy();
      return;
    }
    const conn: Inbound = { socket, peer: null, handshakeTimer: null };
    conn.handshakeTimer = setTimeout(() => this.refuse(conn, "handshake timeout"), HANDSHAKE_TIMEOUT_MS);
    this.inbound.add(conn);
    socket.setNoDelay(true);
    const decoder = new FrameDecoder(HANDSHAKE_FRAME_BYTES_MAX);
    socket.on("data", (chunk: Buffer) => this.onData(conn, decoder, chunk));
    socket.on("error", (error) => {
      this.opts.logger.debug({ peer: conn.peer, err: error.message }, "raft transport: inbound error");
    });
    socket.on("close", () => {
      if (conn.handshakeTimer !== null) clearTimeout(conn.handshakeTimer);
      this.inbound.delete(conn);
    });
  }

  private onData(conn: Inbound, decoder: FrameDecoder, chunk: Buffer): void {
    decoder.push(chunk);
    while (!conn.socket.destroyed) {
      let body: unknown;
      try {
        body = decoder.next();
      } catch (error) {
        if (!(error instanceof FrameError)) throw error;
        return this.refuse(conn, error.message);
      }
      if (body === undefined) return;
      if (conn.peer === null) {
        const reason = this.authenticate(conn, body);
        if (reason !== null) return this.refuse(conn, reason);
        decoder.frameBytesMax = this.frameBytesMax;
        continue;
      }
      const envelope = parseEnvelope(body);
      if (typeof envelope === "string") return this.refuse(conn, `malformed frame: ${envelope}`);
      if (envelope.msg.from !== conn.peer || envelope.msg.to !== this.opts.id) {
        return this.refuse(conn, `message addressed ${envelope.msg.from}->${envelope.msg.to} on ${conn.peer}'s link`);
      }
      assert(this.handler !== null, "data before start");
      this.handler.onEnvelope(conn.peer, envelope);
    }
  }

  /** authenticate checks a hello; it returns null on success, else the refusal reason. */
  private authenticate(conn: Inbound, body: unknown): string | null {
    const hello = parseHello(body);
    if (typeof hello === "string") return hello;
    if (hello.cluster !== this.opts.cluster) return `foreign cluster ${JSON.stringify(hello.cluster)}`;
    if (hello.to !== this.opts.id) return `hello addressed to ${JSON.stringify(hello.to)}`;
    if (!this.addresses.has(hello.from)) return `unknown node ${JSON.stringify(hello.from)}`;
    const expected = handshakeProof(this.opts.secret, this.opts.cluster, hello.from, hello.to);
    if (!proofMatches(hello.proof, expected)) return `bad shared secret from ${JSON.stringify(hello.from)}`;
    // One inbound connection per peer: a redial replaces the old (possibly half-dead) one.
    for (const other of this.inbound) {
      if (other !== conn && other.peer === hello.from) other.socket.destroy();
    }
    conn.peer = hello.from;
    if (conn.handshakeTimer !== null) clearTimeout(conn.handshakeTimer);
    conn.handshakeTimer = null;
    this.opts.logger.debug({ peer: hello.from }, "raft transport: peer authenticated");
    return null;
  }

  private refuse(conn: Inbound, reason: string): void {
    this.opts.logger.warn(
      { peer: conn.peer, remote: `${conn.socket.remoteAddress}:${conn.socket.remotePort}`, reason },
      `raft transport: closing connection: ${reason}`,
    );
    conn.socket.destroy();
  }
}
