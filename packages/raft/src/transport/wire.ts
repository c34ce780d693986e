/**
 * Frame bodies exchanged between nodes, their shape validation, and the handshake proof.
 *
 * Every inbound frame is untrusted: `parseFrame` checks the full shape of the body (including
 * each Raft message field) before anything reaches the core, so a malformed frame can only cost
 * the connection that carried it.
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { EntryKind, type Entry, type NodeId, type SnapshotMeta } from "../core/types";
import { MessageType, type Message, type SnapshotMessage } from "../core/messages";
import { decodeEntries, encodeEntries } from "./entries-codec";
import { EMPTY_BIN_PLACEHOLDER, encodeFrame, encodeFrameWithBlob } from "./framing";
import { HANDSHAKE_NAME_BYTES_MAX, TRANSPORT_PROTOCOL_VERSION } from "./limits";

/** FrameKind names each frame body. */
export const FrameKind = { Hello: 1, Raft: 2, SnapshotChunk: 3 } as const;
export type FrameKind = (typeof FrameKind)[keyof typeof FrameKind];

/** HelloFrame opens every connection: who is dialing, for which cluster, with what proof. */
export interface HelloFrame {
  readonly k: typeof FrameKind.Hello;
  readonly version: number;
  readonly cluster: string;
  readonly from: NodeId;
  readonly to: NodeId;
  /** proof is HMAC-SHA256(secret, version/cluster/from/to): the secret itself never travels. */
  readonly proof: Uint8Array;
}

/** RaftFrame carries one Raft message. */
export interface RaftFrame {
  readonly k: typeof FrameKind.Raft;
  readonly msg: Message;
}

/** SnapshotChunkFrame carries chunk `seq` of the snapshot offered by `msg`; `last` ends it. */
export interface SnapshotChunkFrame {
  readonly k: typeof FrameKind.SnapshotChunk;
  readonly msg: SnapshotMessage;
  readonly seq: number;
  readonly data: Uint8Array;
  readonly last: boolean;
}

/** Envelope is what the Transport interface moves: everything but the handshake. */
export type Envelope = RaftFrame | SnapshotChunkFrame;

/** handshakeProof computes the HMAC a dialer presents; both ends compute it the same way. */
export function handshakeProof(secret: string | Uint8Array, cluster: string, from: NodeId, to: NodeId): Buffer {
  return createHmac("sha256", secret).update(`flotilla/${TRANSPORT_PROTOCOL_VERSION}\0${cluster}\0${from}\0${to}`).digest();
}

/** proofMatches compares two proofs in constant time (hashing first equalizes their lengths). */
export function proofMatches(presented: Uint8Array, expected: Uint8Array): boolean {
  const a = createHash("sha256").update(presented).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}

type Obj = Record<string, unknown>;

function isObj(value: unknown): value is Obj {
  // Plain maps only: msgpackr may decode odd inputs into class instances (extension types).
  return value !== null && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype;
}
function isUint(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0;
}
/** isName: a cluster name or node id as the handshake and every message carry it (1-HANDSHAKE_NAME_BYTES_MAX bytes). */
export function isName(value: unknown): value is string {
  return typeof value === "string" && value.length > 0 && Buffer.byteLength(value) <= HANDSHAKE_NAME_BYTES_MAX;
}

/** parseHello returns the hello frame or a reason why the body is not one. */
export function parseHello(body: unknown): HelloFrame | string {
  if (!isObj(body) || body.k !== FrameKind.Hello) return "first frame is not a hello";
  if (body.version !== TRANSPORT_PROTOCOL_VERSION) return `unsupported protocol version ${String(body.version)}`;
  if (!isName(body.cluster) || !isName(body.from) || !isName(body.to)) return "hello names invalid";
  if (!(body.proof instanceof Uint8Array)) return "hello proof missing";
  return body as unknown as HelloFrame;
}

/**
 * wireBody returns the frame body that carries `envelope`: the envelope itself, except that an
 * Append's entries travel as one binary blob (see entries-codec.ts).
 */
export function wireBody(envelope: Envelope): unknown {
  if (envelope.k !== FrameKind.Raft || envelope.msg.type !== MessageType.Append) return envelope;
  return { k: envelope.k, msg: { ...envelope.msg, entries: encodeEntries(envelope.msg.entries) } };
}

/**
 * encodeEnvelopeFrame returns the wire bytes of `envelope` as pieces to write in order (one
 * writev): the frame of wireBody(envelope), with an Append's entry blob written as is.
 */
export function encodeEnvelopeFrame(envelope: Envelope): Uint8Array[] {
  if (envelope.k !== FrameKind.Raft || envelope.msg.type !== MessageType.Append) return [encodeFrame(envelope)];
  const { entries, ...rest } = envelope.msg;
  // `entries` packs last (the last key of the last map), where the blob is spliced in.
  return encodeFrameWithBlob({ k: envelope.k, msg: { ...rest, entries: EMPTY_BIN_PLACEHOLDER } }, encodeEntries(entries));
}

/** frameBytes is the length of a frame encoded as pieces. */
export function frameBytes(pieces: readonly Uint8Array[]): number {
  let bytes = 0;
  for (const piece of pieces) bytes += piece.length;
  return bytes;
}

/** parseEnvelope returns a validated envelope or a reason why the body is malformed. */
export function parseEnvelope(body: unknown): Envelope | string {
  if (!isObj(body)) return "frame body is not a map";
  if (body.k === FrameKind.Raft) {
    const msg = isObj(body.msg) && body.msg.type === MessageType.Append ? unpackAppendEntries(body.msg) : body.msg;
    if (typeof msg === "string") return msg;
    const reason = checkMessage(msg);
    return reason ?? { k: FrameKind.Raft, msg: msg as Message };
  }
  if (body.k === FrameKind.SnapshotChunk) {
    const reason = checkMessage(body.msg);
    if (reason !== null) return reason;
    if ((body.msg as Obj).type !== MessageType.Snapshot) return "snapshot chunk without a snapshot message";
    if (!isUint(body.seq)) return "snapshot chunk seq invalid";
    if (!(body.data instanceof Uint8Array)) return "snapshot chunk data invalid";
    if (typeof body.last !== "boolean") return "snapshot chunk last flag invalid";
    return body as unknown as SnapshotChunkFrame;
  }
  return `unknown frame kind ${String(body.k)}`;
}

/** unpackAppendEntries replaces an Append's entry blob by the entries, or names what is wrong. */
function unpackAppendEntries(msg: Obj): Obj | string {
  if (!isUint(msg.prevIndex)) return "append.prevIndex invalid";
  if (!(msg.entries instanceof Uint8Array)) return "append.entries invalid: not a binary blob";
  const entries = decodeEntries(msg.entries, msg.prevIndex);
  if (typeof entries === "string") return `append.entries invalid: ${entries}`;
  return { ...msg, entries };
}

const NUMERIC_FIELDS: Record<MessageType, readonly string[]> = {
  [MessageType.PreVote]: ["lastIndex", "lastTerm"],
  [MessageType.Vote]: ["lastIndex", "lastTerm"],
  [MessageType.PreVoteResponse]: [],
  [MessageType.VoteResponse]: [],
  [MessageType.Append]: ["prevIndex", "prevTerm", "commit"],
  [MessageType.AppendResponse]: ["index"],
  [MessageType.Heartbeat]: ["commit"],
  [MessageType.HeartbeatResponse]: [],
  [MessageType.Snapshot]: [],
  [MessageType.TimeoutNow]: [],
  [MessageType.TermProbe]: [],
  [MessageType.TermReport]: ["commit"],
};
const BOOLEAN_FIELDS: Partial<Record<MessageType, readonly string[]>> = {
  [MessageType.PreVote]: ["transfer"],
  [MessageType.Vote]: ["transfer"],
  [MessageType.PreVoteResponse]: ["reject"],
  [MessageType.VoteResponse]: ["reject"],
  [MessageType.AppendResponse]: ["reject"],
};
const MESSAGE_TYPES = new Set<string>(Object.values(MessageType));

/** checkMessage returns null when `msg` has exactly the shape of a Raft message, else a reason. */
export function checkMessage(msg: unknown): string | null {
  if (!isObj(msg)) return "message is not a map";
  if (typeof msg.type !== "string" || !MESSAGE_TYPES.has(msg.type)) return `unknown message type ${String(msg.type)}`;
  const type = msg.type as MessageType;
  if (!isName(msg.from) || !isName(msg.to)) return "message from/to invalid";
  if (!isUint(msg.term)) return "message term invalid";
  for (const field of NUMERIC_FIELDS[type]) if (!isUint(msg[field])) return `${type}.${field} invalid`;
  for (const field of BOOLEAN_FIELDS[type] ?? []) if (typeof msg[field] !== "boolean") return `${type}.${field} invalid`;
  if (type === MessageType.Append && !checkEntries(msg.entries, msg.prevIndex as number)) return "append.entries invalid";
  if (type === MessageType.AppendResponse && !checkRejectHint(msg.rejectHint)) return "appendResponse.rejectHint invalid";
  if (type === MessageType.AppendResponse && msg.logLoss !== undefined && (msg.logLoss !== true || msg.reject !== true || msg.rejectHint === null)) return "appendResponse.logLoss invalid";
  if (type === MessageType.Snapshot && !checkMeta(msg.meta)) return "snapshot.meta invalid";
  return null;
}

function checkEntries(entries: unknown, prevIndex: number): entries is Entry[] {
  if (!Array.isArray(entries)) return false;
  let expected = prevIndex + 1;
  for (const e of entries) {
    if (!isObj(e) || !isUint(e.term) || e.index !== expected || !(e.data instanceof Uint8Array)) return false;
    if (e.kind !== EntryKind.Normal && e.kind !== EntryKind.Noop) return false;
    expected++;
  }
  return true;
}

function checkRejectHint(hint: unknown): boolean {
  return hint === null || (isObj(hint) && isUint(hint.index) && isUint(hint.term));
}

function checkMeta(meta: unknown): meta is SnapshotMeta {
  if (!isObj(meta) || !isUint(meta.index) || !isUint(meta.term)) return false;
  return Array.isArray(meta.peers) && meta.peers.length > 0 && meta.peers.every(isName);
}
