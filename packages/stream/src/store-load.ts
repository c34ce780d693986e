/**
 * store-load.ts: rebuilds the in-memory state of every stream from the Level database, on
 * open and after a restore. Reads configs, sequence states, message record heads (payloads
 * are not copied) and dedupe entries, and checks they agree.
 */
import { assert } from "./assert";
import type { StreamConfig } from "./config-types";
import {
  APPLIED_INDEX_KEY,
  decodeDedupeKeyRest,
  decodeStreamKey,
  KeyKind,
  kindRange,
  readU64,
  type KeyKindValue,
} from "./keys";
import type { MessageReader } from "./level-types";
import { decodeMessageRecordHead, decodeSeqState, decodeU64Value } from "./records";
import { StreamMemory } from "./stream-memory";
import { messageSizeFromLengths, subjectByteLength } from "./view";
import type { LogIndex } from "./units";

/** RangeReader iterates one key range in key order. */
export interface RangeReader {
  range(gte: Uint8Array, lt: Uint8Array): AsyncIterable<[Uint8Array, Uint8Array]>;
  readValue(key: Uint8Array): Promise<Uint8Array | undefined>;
}

/** LoadedState is everything `open` needs in memory. */
export interface LoadedState {
  appliedIndex: LogIndex;
  streams: Map<string, StreamMemory>;
}

const utf8Decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

async function forEachOfKind(
  db: RangeReader,
  kind: KeyKindValue,
  visit: (name: string, rest: Uint8Array, value: Uint8Array) => void,
): Promise<void> {
  const [gte, lt] = kindRange(kind);
  for await (const [key, value] of db.range(gte, lt)) {
    const parts = decodeStreamKey(key);
    visit(parts.name, parts.rest, value);
  }
}

function mustGet(streams: Map<string, StreamMemory>, name: string): StreamMemory {
  const stream = streams.get(name);
  assert(stream !== undefined, `load: record for unknown stream ${name}`);
  return stream;
}

/** loadState reads the whole database into memory; asserts it is consistent. */
export async function loadState(db: RangeReader, reader: MessageReader): Promise<LoadedState> {
  const appliedBytes = await db.readValue(APPLIED_INDEX_KEY);
  const appliedIndex = appliedBytes === undefined ? 0 : decodeU64Value(appliedBytes);
  const streams = new Map<string, StreamMemory>();
  await forEachOfKind(db, KeyKind.Config, (name, rest, value) => {
    assert(rest.length === 0, "load: config key has trailing bytes");
    const config = JSON.parse(utf8Decoder.decode(value)) as StreamConfig;
    assert(config.name === name, `load: config name ${config.name} under key ${name}`);
    streams.set(name, new StreamMemory(config, reader));
  });
  await forEachOfKind(db, KeyKind.Message, (name, rest, value) => {
    const stream = mustGet(streams, name);
    assert(rest.length === 8, "load: message key length");
    const head = decodeMessageRecordHead(value);
    const subjectBytes = subjectByteLength(head.subject);
    const { storage } = stream.config;
    const sizeBytes = messageSizeFromLengths(storage, subjectBytes, head.headerLength, head.dataLength);
    stream.indexMessage(Number(readU64(rest, 0)), {
      subject: head.subject,
      sizeBytes,
      timestampNs: head.timestampNs,
      ttlDeadlineNs: head.ttlDeadlineNs,
    });
  });
  await forEachOfKind(db, KeyKind.SeqState, (name, _rest, value) => {
    const stream = mustGet(streams, name);
    const state = decodeSeqState(value);
    stream.firstSeq = state.firstSeq;
    stream.lastSeq = state.lastSeq;
    stream.lastTimestampNs = state.lastTimestampNs;
    stream.lastMsgIdValue = state.lastMsgId;
  });
  await forEachOfKind(db, KeyKind.Dedupe, (name, rest, value) => {
    const { timestampNs, msgId } = decodeDedupeKeyRest(rest);
    mustGet(streams, name).window.add({ msgId, seq: decodeU64Value(value), timestampNs });
  });
  for (const stream of streams.values()) checkLoaded(stream);
  return { appliedIndex, streams };
}

function checkLoaded(stream: StreamMemory): void {
  const name = stream.config.name;
  if (stream.messages.size === 0) return;
  const seqs = [...stream.messages.keys()];
  const first = seqs[0] as number;
  const last = seqs[seqs.length - 1] as number;
  assert(first === stream.firstSeq, `load ${name}: first message ${first} but first_seq ${stream.firstSeq}`);
  assert(last <= stream.lastSeq, `load ${name}: message ${last} beyond last_seq ${stream.lastSeq}`);
}
