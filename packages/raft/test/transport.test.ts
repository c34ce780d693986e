/** TCP transport tests: delivery, handshake refusal, malformed frames. */
import { Socket } from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";
import { FRAME_BYTES_MAX_DEFAULT, type TcpTransport } from "../src/internal";
import { encodeFrame } from "../src/transport/framing";
import { FrameKind, handshakeProof } from "../src/transport/wire";
import { capturingLogger } from "./helpers";
import {
  closed, heartbeat, rawConnect, rawFrame, sendUntilDelivered, transportCluster, waitFor, type Received,
} from "./transport-helpers";

let running: TcpTransport[] = [];
afterEach(async () => {
  await Promise.all(running.map((t) => t.stop()));
  running = [];
});

async function cluster(ids = ["n1", "n2", "n3"]) {
  const { logger, records } = capturingLogger();
  const received: Received[] = [];
  const transports = await transportCluster(ids, logger, received);
  running.push(...transports.values());
  const get = (id: string): TcpTransport => transports.get(id)!;
  return { get, received, records };
}

function hello(overrides: Record<string, unknown>, secret = "s3cret") {
  const base = { k: FrameKind.Hello, version: 1, cluster: "test", from: "n3", to: "n1" };
  const h = { ...base, ...overrides };
  return encodeFrame({ ...h, proof: handshakeProof(secret, h.cluster as string, h.from as string, h.to as string) });
}

describe("transport - delivery", () => {
  it("delivers pipelined messages in order between authenticated peers", async () => {
    const { get, received } = await cluster();
    await sendUntilDelivered(get("n1"), heartbeat("n1", "n2", 0), received);
    for (let i = 1; i <= 100; i++) expect(get("n1").send("n2", { k: FrameKind.Raft, msg: heartbeat("n1", "n2", i) })).toBe(true);
    await waitFor(() => received.filter((r) => r.to === "n2").length >= 101, "100 heartbeats");
    const commits = received.filter((r) => r.to === "n2" && r.envelope.k === 2).map((r) => (r.envelope.msg as { commit: number }).commit);
    expect(commits.slice(-100)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(received.every((r) => r.from === "n1")).toBe(true);
    await sendUntilDelivered(get("n2"), heartbeat("n2", "n1", 7), received);
  });

  it("reconnects after the outbound link is cut", async () => {
    const { get, received } = await cluster(["n1", "n2"]);
    await sendUntilDelivered(get("n1"), heartbeat("n1", "n2", 1), received);
    const before = get("n2").authenticatedInbound();
    expect(before).toEqual(["n1"]);
    // Cut n1's outbound socket: n2's inbound side sees the close and n1 redials with backoff.
    get("n1").resetPeer("n2");
    await waitFor(() => !get("n1").connectedTo("n2"), "link down");
    await sendUntilDelivered(get("n1"), heartbeat("n1", "n2", 2), received);
    expect(get("n2").authenticatedInbound()).toEqual(["n1"]);
  });
});

describe("transport - write coalescing", () => {
  it("messages sent in one tick reach the socket as one writev; a later tick's message as another write", async () => {
    const { get, received } = await cluster(["n1", "n2"]);
    await sendUntilDelivered(get("n1"), heartbeat("n1", "n2", 0), received);
    // Count the stream's calls into the socket handle (Writable's _write/_writev): one per write to the kernel.
    const spyWritev = vi.spyOn(Socket.prototype as unknown as Record<"_writev", (...args: unknown[]) => unknown>, "_writev");
    const spyWrite = vi.spyOn(Socket.prototype as unknown as Record<"_write", (...args: unknown[]) => unknown>, "_write");
    try {
      // The warm-up heartbeat (commit 0) is resent until it arrives, so it may arrive twice: count the others.
      const counted = () => received.filter((r) => r.to === "n2" && (r.envelope.msg as { commit: number }).commit > 0);
      for (const commit of [1, 2, 3]) expect(get("n1").send("n2", { k: FrameKind.Raft, msg: heartbeat("n1", "n2", commit) })).toBe(true);
      await waitFor(() => counted().length === 3, "the first tick's three heartbeats");
      expect(spyWrite).not.toHaveBeenCalled();
      expect(spyWritev).toHaveBeenCalledTimes(1);
      expect((spyWritev.mock.calls[0]![0] as unknown[]).length).toBe(3);
      expect(get("n1").send("n2", { k: FrameKind.Raft, msg: heartbeat("n1", "n2", 4) })).toBe(true);
      await waitFor(() => counted().length === 4, "the second tick's heartbeat");
      expect(spyWrite.mock.calls.length + spyWritev.mock.calls.length).toBe(2);
      expect(counted().map((r) => (r.envelope.msg as { commit: number }).commit)).toEqual([1, 2, 3, 4]);
    } finally {
      spyWritev.mockRestore();
      spyWrite.mockRestore();
    }
  });
});

describe("transport - handshake refusal", () => {
  const cases: Array<[string, Buffer, string]> = [
    ["wrong secret", hello({}, "guess"), 'bad shared secret from "n3"'],
    ["foreign cluster", hello({ cluster: "other" }), 'foreign cluster "other"'],
    ["unknown node", hello({ from: "n9" }), 'unknown node "n9"'],
    ["misaddressed hello", hello({ to: "n2" }), 'hello addressed to "n2"'],
    ["old protocol version", hello({ version: 0 }), "unsupported protocol version 0"],
    ["a raft frame before hello", encodeFrame({ k: FrameKind.Raft, msg: heartbeat("n3", "n1", 1) }), "first frame is not a hello"],
    ["an oversized first frame", rawFrame(new Uint8Array(5000)), "frame length 5000 exceeds limit 4096"],
  ];
  it.each(cases)("refuses %s, logs why, and keeps serving real peers", async (_name, frame, reason) => {
    const { get, received, records } = await cluster();
    const socket = await rawConnect(get("n1").address().port);
    socket.write(frame);
    await closed(socket);
    await waitFor(() => records.some((r) => r.reason === reason), `log line "${reason}"`);
    const line = records.find((r) => r.reason === reason)!;
    expect(line.level).toBe(40);
    expect(line.msg).toBe(`raft transport: closing connection: ${reason}`);
    expect(received).toEqual([]);
    await sendUntilDelivered(get("n3"), heartbeat("n3", "n1", 5), received);
  });
});

describe("transport - malformed frames after the handshake", () => {
  const cases: Array<[string, Buffer, string]> = [
    ["zero length", rawFrame(new Uint8Array(0)), "frame length 0"],
    ["oversize length", Buffer.from([0xff, 0xff, 0xff, 0xff]), `frame length 4294967295 exceeds limit ${FRAME_BYTES_MAX_DEFAULT}`],
    ["undecodable body", rawFrame(Uint8Array.of(0x92, 0x01)), "undecodable frame body: Unexpected end of MessagePack data"],
    ["reserved msgpack byte", rawFrame(Uint8Array.of(0xc1)), "malformed frame: frame body is not a map"],
    ["unknown kind", encodeFrame({ k: 9 }), "malformed frame: unknown frame kind 9"],
    ["wrong message type", encodeFrame({ k: FrameKind.Raft, msg: { type: "bogus", from: "n3", to: "n1", term: 1 } }), "malformed frame: unknown message type bogus"],
    ["negative term", encodeFrame({ k: FrameKind.Raft, msg: { ...heartbeat("n3", "n1", 1), term: -1 } }), "malformed frame: message term invalid"],
    ["append entries as maps", encodeFrame({ k: FrameKind.Raft, msg: { type: "append", from: "n3", to: "n1", term: 1, prevIndex: 0, prevTerm: 0, commit: 0, entries: [{ index: 1, term: 1, kind: 0, data: new Uint8Array(1) }] } }), "malformed frame: append.entries invalid: not a binary blob"],
    ["append blob with a truncated entry", encodeFrame({ k: FrameKind.Raft, msg: { type: "append", from: "n3", to: "n1", term: 1, prevIndex: 0, prevTerm: 0, commit: 0, entries: Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 5, 1, 2) } }), "malformed frame: append.entries invalid: entry 1 data truncated (5 bytes announced)"],
    ["spoofed sender", encodeFrame({ k: FrameKind.Raft, msg: heartbeat("n2", "n1", 1) }), "message addressed n2->n1 on n3's link"],
  ];
  it.each(cases)("closes the connection on %s", async (_name, frame, reason) => {
    const { get, received, records } = await cluster();
    const socket = await rawConnect(get("n1").address().port);
    socket.write(Buffer.concat([hello({}), encodeFrame({ k: FrameKind.Raft, msg: heartbeat("n3", "n1", 1) }), frame]));
    await closed(socket);
    await waitFor(() => records.some((r) => typeof r.reason === "string" && r.reason.startsWith(reason)), reason);
    expect(received.map((r) => [r.from, r.to, r.envelope.k])).toEqual([["n3", "n1", 2]]);
    await sendUntilDelivered(get("n2"), heartbeat("n2", "n1", 9), received);
  });

  it("accepts a hello and frames split into single bytes", async () => {
    const { get, received } = await cluster();
    const socket = await rawConnect(get("n1").address().port);
    const bytes = Buffer.concat([hello({}), encodeFrame({ k: FrameKind.Raft, msg: heartbeat("n3", "n1", 3) })]);
    for (const byte of bytes) socket.write(Uint8Array.of(byte));
    await waitFor(() => received.length === 1, "one frame");
    expect(received[0]!.envelope).toEqual({ k: FrameKind.Raft, msg: heartbeat("n3", "n1", 3) });
    socket.destroy();
  });
});
