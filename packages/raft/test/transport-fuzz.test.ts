/**
 * Transport fuzz test: random and mutated frames from an authenticated connection may close that
 * connection, but never crash the node, never deliver a malformed message, and never disturb the
 * links between real peers.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TcpTransport } from "../src/internal";
import { encodeFrame } from "../src/transport/framing";
import { MessageType } from "../src/core/messages";
import { FrameKind, checkMessage, handshakeProof, wireBody } from "../src/transport/wire";
import { capturingLogger } from "./helpers";
import { heartbeat, rawConnect, rawFrame, sendUntilDelivered, transportCluster, type Received } from "./transport-helpers";

const received: Received[] = [];
const { logger, records } = capturingLogger();
let transports: Map<string, TcpTransport>;

beforeAll(async () => {
  transports = await transportCluster(["n1", "n2", "n3"], logger, received);
});
afterAll(async () => {
  await Promise.all([...transports.values()].map((t) => t.stop()));
});

const helloFrame = encodeFrame({
  k: FrameKind.Hello, version: 1, cluster: "test", from: "n3", to: "n1", proof: handshakeProof("s3cret", "test", "n3", "n1"),
});
const validFrames = [
  encodeFrame({ k: FrameKind.Raft, msg: heartbeat("n3", "n1", 4) }),
  encodeFrame(wireBody({ k: FrameKind.Raft, msg: { type: MessageType.Append, from: "n3", to: "n1", term: 2, prevIndex: 3, prevTerm: 1, commit: 3, entries: [{ index: 4, term: 2, kind: 0, data: Uint8Array.of(1, 2, 3) }, { index: 5, term: 2, kind: 1, data: new Uint8Array(0) }] } })),
  encodeFrame({ k: FrameKind.Raft, msg: { type: "appendResponse", from: "n3", to: "n1", term: 2, reject: true, index: 5, rejectHint: { index: 2, term: 1 } } }),
  encodeFrame({ k: FrameKind.Raft, msg: { type: MessageType.TermReport, from: "n3", to: "n1", term: 2, commit: 5 } }),
  encodeFrame({ k: FrameKind.SnapshotChunk, msg: { type: "snapshot", from: "n3", to: "n1", term: 2, meta: { index: 9, term: 2, peers: ["n1", "n2", "n3"] } }, seq: 0, data: Uint8Array.of(7), last: true }),
];

const mutation = fc.oneof(
  fc.record({ kind: fc.constant("random" as const), bytes: fc.uint8Array({ minLength: 1, maxLength: 64 }) }),
  fc.record({ kind: fc.constant("randomBody" as const), bytes: fc.uint8Array({ minLength: 1, maxLength: 64 }) }),
  fc.record({
    kind: fc.constant("flip" as const), frame: fc.nat(validFrames.length - 1),
    flips: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 4 }),
  }),
  fc.record({ kind: fc.constant("truncate" as const), frame: fc.nat(validFrames.length - 1), keep: fc.nat() }),
  fc.record({ kind: fc.constant("anything" as const), body: fc.anything() }),
);

type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

function render(m: Mutation): Buffer {
  switch (m.kind) {
    case "random": return Buffer.from(m.bytes);
    case "randomBody": return rawFrame(m.bytes);
    case "flip": {
      const frame = Buffer.from(validFrames[m.frame]!);
      for (const [at, xor] of m.flips) frame[at % frame.length] = frame[at % frame.length]! ^ xor;
      return frame;
    }
    case "truncate": {
      const frame = validFrames[m.frame]!;
      return Buffer.concat([frame.subarray(0, m.keep % frame.length), validFrames[0]!]);
    }
    case "anything": return encodeFrame(m.body);
  }
}

describe("transport - frame fuzzing", () => {
  it("random and mutated frames never deliver a malformed message nor break real links", async () => {
    await sendUntilDelivered(transports.get("n2")!, heartbeat("n2", "n1", 1), received);
    await fc.assert(
      fc.asyncProperty(mutation, async (m) => {
        const socket = await rawConnect(transports.get("n1")!.address().port);
        socket.on("error", () => undefined);
        const done = new Promise<void>((resolve) => {
          socket.once("close", () => resolve());
          setTimeout(resolve, 15);
        });
        socket.write(Buffer.concat([helloFrame, render(m)]));
        await done;
        socket.destroy();
      }),
      { numRuns: 300, seed: 20261127 },
    );
    // Every delivered envelope came from the fuzzing peer's authenticated link, well formed.
    const fromFuzzer = received.filter((r) => r.from === "n3");
    for (const r of fromFuzzer) {
      expect(checkMessage(r.envelope.msg)).toBeNull();
      expect([r.envelope.msg.from, r.envelope.msg.to]).toEqual(["n3", "n1"]);
    }
    const closings = records.filter((r) => r.msg.startsWith("raft transport: closing connection"));
    expect(closings.length).toBeGreaterThan(100);
    // The real peers still talk, in both directions.
    await sendUntilDelivered(transports.get("n2")!, heartbeat("n2", "n1", 2), received);
    await sendUntilDelivered(transports.get("n1")!, heartbeat("n1", "n2", 3), received);
    await sendUntilDelivered(transports.get("n3")!, heartbeat("n3", "n2", 4), received);
  });
});
