/** Unit tests of the node driver's pieces: rechunking, pending proposals, snapshot staging, policies. */
import { afterEach, describe, expect, it } from "vitest";
import {
  EntryKind, LeadershipLostError, ProposalDroppedError, RaftNode, RaftStorage, type SnapshotMessage,
} from "../src/internal";
import { PendingProposals } from "../src/node/proposals";
import { SnapshotReceiver } from "../src/node/snapshot-receiver";
import { rechunk } from "../src/node/snapshot-writer";
import { FrameKind } from "../src/transport/wire";
import { bytes, capturingLogger, removeDir, tempDir } from "./helpers";
import { HashChainStateMachine } from "./state-machine-fixture";
import { waitFor } from "./transport-helpers";

async function collect(stream: AsyncIterable<Uint8Array>): Promise<string[]> {
  const out: string[] = [];
  for await (const chunk of stream) out.push(Buffer.from(chunk).toString());
  return out;
}

describe("node - rechunk", () => {
  it("re-slices arbitrary pieces into fixed-size chunks with a short tail", async () => {
    async function* pieces() {
      yield bytes("abc");
      yield bytes("defghijklm");
      yield bytes("n");
    }
    expect(await collect(rechunk(pieces(), 4))).toEqual(["abcd", "efgh", "ijkl", "mn"]);
  });
});

describe("node - pending proposals", () => {
  it("resolves a proposal whose entry applied with its term and rejects one replaced by another term", async () => {
    const pending = new PendingProposals();
    const kept = pending.add(5, 2);
    const replaced = pending.add(6, 2);
    pending.applied({ index: 5, term: 2, kind: EntryKind.Normal, data: bytes("x") });
    pending.applied({ index: 6, term: 3, kind: EntryKind.Noop, data: new Uint8Array(0) });
    await expect(kept).resolves.toEqual({ index: 5 });
    const error = await replaced.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProposalDroppedError);
    expect((error as Error).message).toBe("proposal at index 6 (term 2) was replaced by an entry of term 3");
    expect(pending.size).toBe(0);
  });

  it("a proposal placed again after leadership was lost and regained drops the waiters at and above its index", async () => {
    const pending = new PendingProposals();
    const nine = pending.add(9, 1);
    const ten = pending.add(10, 1).catch((e: Error) => e.message);
    const eleven = pending.add(11, 1).catch((e: Error) => e.message);
    const again = pending.add(10, 3);
    expect(await Promise.all([ten, eleven])).toEqual([
      "proposal at index 10 (term 1) was replaced by an entry of term 3",
      "proposal at index 11 (term 1) was replaced by an entry of term 3",
    ]);
    expect(pending.size).toBe(2);
    pending.applied({ index: 9, term: 1, kind: EntryKind.Normal, data: bytes("a") });
    pending.applied({ index: 10, term: 3, kind: EntryKind.Normal, data: bytes("b") });
    await expect(nine).resolves.toEqual({ index: 9 });
    await expect(again).resolves.toEqual({ index: 10 });
    expect(pending.size).toBe(0);
  });

  it("skips applied entries nobody here waits for and stays in order across thousands of proposals", async () => {
    const pending = new PendingProposals();
    const outcomes: Array<Promise<{ index: number }>> = [];
    // Index 1 is another node's entry (or a no-op): applying it settles nothing.
    for (let index = 2; index <= 3001; index++) outcomes.push(pending.add(index, 4));
    pending.applied({ index: 1, term: 4, kind: EntryKind.Noop, data: new Uint8Array(0) });
    expect(pending.size).toBe(3000);
    for (let index = 1; index <= 3001; index++) {
      pending.applied({ index, term: 4, kind: EntryKind.Normal, data: bytes("x") });
      expect(pending.size).toBe(3001 - Math.max(index, 1));
    }
    expect((await Promise.all(outcomes)).map((o) => o.index)).toEqual(Array.from({ length: 3000 }, (_, i) => i + 2));
  });

  it("failAll rejects every waiting proposal with the error built for its index", async () => {
    const pending = new PendingProposals();
    const a = pending.add(1, 1).catch((e: Error) => e.message);
    const b = pending.add(2, 1).catch((e: Error) => e.message);
    pending.failAll((index) => new LeadershipLostError(index, "n2"));
    expect(await Promise.all([a, b])).toEqual([
      "leadership lost before index 1 was applied (new leader: n2); outcome unknown",
      "leadership lost before index 2 was applied (new leader: n2); outcome unknown",
    ]);
  });
});

describe("node - snapshot receiver", () => {
  let dir = "";
  afterEach(async () => {
    if (dir !== "") await removeDir(dir);
  });
  const offer: SnapshotMessage = { type: "snapshot", from: "n1", to: "n2", term: 3, meta: { index: 40, term: 2, peers: ["n1", "n2"] } };

  it("stages chunks in storage and hands the message to the core only when complete", async () => {
    dir = await tempDir("receiver");
    const storage = await RaftStorage.open(dir);
    await storage.load();
    const delivered: SnapshotMessage[] = [];
    const receiver = new SnapshotReceiver(storage, capturingLogger().logger, (m) => delivered.push(m));
    receiver.onChunk("n1", { k: FrameKind.SnapshotChunk, msg: offer, seq: 0, data: bytes("one-"), last: false });
    receiver.onChunk("n1", { k: FrameKind.SnapshotChunk, msg: offer, seq: 1, data: bytes("two"), last: true });
    await waitFor(() => delivered.length === 1, "delivery");
    expect(delivered).toEqual([offer]);
    const staged = receiver.take(offer.meta);
    expect(staged).toMatchObject({ meta: offer.meta, chunks: 2, bytes: 7 });
    expect(await collect(storage.readChunks(staged))).toEqual(["one-", "two"]);
    await storage.close();
  });

  it("abandons a transfer whose chunks arrive out of sequence", async () => {
    dir = await tempDir("receiver");
    const storage = await RaftStorage.open(dir);
    await storage.load();
    const { logger, records } = capturingLogger();
    const delivered: SnapshotMessage[] = [];
    const receiver = new SnapshotReceiver(storage, logger, (m) => delivered.push(m));
    receiver.onChunk("n1", { k: FrameKind.SnapshotChunk, msg: offer, seq: 0, data: bytes("a"), last: false });
    receiver.onChunk("n1", { k: FrameKind.SnapshotChunk, msg: offer, seq: 2, data: bytes("c"), last: true });
    receiver.onChunk("n1", { k: FrameKind.SnapshotChunk, msg: offer, seq: 3, data: bytes("d"), last: true });
    await new Promise((r) => setTimeout(r, 20));
    expect(delivered).toEqual([]);
    expect(records.filter((r) => r.msg === "raft node: snapshot chunk out of sequence; transfer abandoned").map((r) => r.seq)).toEqual([2, 3]);
    await storage.close();
  });
});

describe("node - option validation", () => {
  const base = {
    id: "n1", members: ["n1", "n2", "n3"], dataDir: "/nonexistent/never-opened", stateMachine: new HashChainStateMachine(),
    cluster: "test", secret: "s3cret",
  };
  it.each([
    [{ raft: { entryBytesMax: 72 * 1024 * 1024, uncommittedBytesMax: 512 * 1024 * 1024 } },
      `raft.entryBytesMax 75497472 + 65536 bytes of message overhead exceeds frameBytesMax 75497472`],
    [{ snapshotChunkBytes: 0 }, "snapshotChunkBytes 0 must be >= 1 and fit frameBytesMax 75497472"],
    [{ frameBytesMax: 1024 * 1024, raft: { entryBytesMax: 1000 } }, "snapshotChunkBytes 1048576 must be >= 1 and fit frameBytesMax 1048576"],
    [{ tickIntervalMs: 0 }, "tickIntervalMs must be a positive integer, got 0"],
    [{ members: ["n2", "n3"] }, "members must include the node itself (n1)"],
    [{ members: ["n1", "n2", "x".repeat(257)] }, `node id "xxxxxxxxxxxxxxxx"... must be 1-256 bytes, got 257`],
    [{ members: ["n1", ""] }, `node id "" must be 1-256 bytes, got 0`],
    [{ cluster: "é".repeat(129) }, "cluster name must be 1-256 bytes, got 258"],
    [{ raft: { preVote: false, checkQuorum: false } },
      "raft.preVote and raft.checkQuorum cannot both be false: a repairing node would stall a leader of an older term"],
  ])("refuses %j before touching the disk", async (overrides, message) => {
    await expect(RaftNode.open({ ...base, ...overrides })).rejects.toThrow(new RangeError(message));
  });
});

