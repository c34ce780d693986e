/** Helpers for transport tests: a wired cluster of TcpTransports and a raw socket client. */
import { connect, type Socket } from "node:net";
import type { Logger } from "pino";
import type { Message } from "../src/core/messages";
import type { NodeId } from "../src/core/types";
import { TcpTransport, type Envelope } from "../src/internal";
import { FrameKind } from "../src/transport/wire";

/** Received records one delivered envelope. */
export interface Received {
  to: NodeId;
  from: NodeId;
  envelope: Envelope;
}

/** transportCluster starts one TcpTransport per id on ephemeral ports and wires their addresses. */
export async function transportCluster(
  ids: NodeId[], logger: Logger, received: Received[], secret = "s3cret",
): Promise<Map<NodeId, TcpTransport>> {
  const transports = new Map<NodeId, TcpTransport>();
  for (const id of ids) {
    const peers = Object.fromEntries(ids.filter((p) => p !== id).map((p) => [p, null]));
    const t = new TcpTransport({ id, cluster: "test", secret, listen: { host: "127.0.0.1", port: 0 }, peers, logger });
    transports.set(id, t);
  }
  for (const [id, t] of transports) {
    await t.start({ onEnvelope: (from, envelope) => void received.push({ to: id, from, envelope }) });
  }
  for (const [id, t] of transports) {
    for (const [other, o] of transports) if (other !== id) t.setPeerAddress(other, o.address());
  }
  return transports;
}

/** heartbeat builds a small valid Raft message. */
export function heartbeat(from: NodeId, to: NodeId, commit: number): Message {
  return { type: "heartbeat", from, to, term: 1, commit };
}

/** waitFor polls `cond` until true or the deadline. */
export async function waitFor(cond: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** sendUntilDelivered resends `msg` until it shows up in `received` (links dial asynchronously). */
export async function sendUntilDelivered(
  t: TcpTransport, msg: Message, received: Received[], timeoutMs = 5_000,
): Promise<void> {
  const matches = (r: Received): boolean =>
    r.to === msg.to && r.envelope.k === 2 && JSON.stringify(r.envelope.msg) === JSON.stringify(msg);
  const deadline = Date.now() + timeoutMs;
  while (!received.some(matches)) {
    if (Date.now() > deadline) throw new Error(`message ${JSON.stringify(msg)} never delivered`);
    t.send(msg.to, { k: FrameKind.Raft, msg });
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** rawConnect opens a plain socket and resolves once connected. */
export function rawConnect(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: "127.0.0.1", port }, () => resolve(socket));
    socket.once("error", reject);
  });
}

/** closed resolves once the socket has been closed by the other side (or errors). */
export function closed(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    if (socket.destroyed) return resolve();
    socket.on("error", () => undefined);
    socket.once("close", () => resolve());
  });
}

/** rawFrame prefixes a body with its uint32 length. */
export function rawFrame(body: Uint8Array): Buffer {
  const frame = Buffer.alloc(4 + body.length);
  frame.writeUInt32BE(body.length, 0);
  frame.set(body, 4);
  return frame;
}
