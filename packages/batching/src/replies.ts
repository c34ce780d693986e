/**
 * The bytes batching sends to clients, built by hand so field order and spacing are exactly
 * nats-server's (spec §3.1, §3.4, §3.5): empty acks, PubAcks (plain, duplicate, batch commit),
 * error responses and the batch-abandoned advisory.
 */
import type { ApiErrorWire, JetStreamApiError } from "@flotilla/stream";
import { goQuote } from "@flotilla/stream/internal";

/** OutboundMessage is a message the server publishes on behalf of batching. */
export interface OutboundMessage {
  readonly subject: string;
  readonly data: Uint8Array;
}

/** AbandonReason lists exactly the four advisory reasons of spec §3.5. */
export const AbandonReason = {
  Timeout: "timeout",
  Large: "large",
  Incomplete: "incomplete",
  Unsupported: "unsupported",
} as const;
export type AbandonReason = (typeof AbandonReason)[keyof typeof AbandonReason];

/** ADVISORY_BATCH_ABANDONED_PREFIX is the subject prefix; the stream name is appended. */
export const ADVISORY_BATCH_ABANDONED_PREFIX = "$JS.EVENT.ADVISORY.STREAM.BATCH_ABANDONED";
/** ADVISORY_BATCH_ABANDONED_TYPE is the advisory's `type` field. */
export const ADVISORY_BATCH_ABANDONED_TYPE = "io.nats.jetstream.advisory.v1.stream_batch_abandoned";

const encoder = new TextEncoder();
/** EMPTY_ACK is the zero-byte reply to a non-commit batch message. */
export const EMPTY_ACK = new Uint8Array(0);

/** goJson renders a string as Go's encoding/json does (HTML-safe: <, >, & and U+2028/9 escaped). */
export function goJson(text: string): string {
  return JSON.stringify(text).replace(/[<>&\u2028\u2029]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** The PubAck prefix is built with Go's %q (nats-server's mset.pubAck), not with JSON. */
function pubAckHead(stream: string, domain: string | undefined): string {
  const d = domain !== undefined && domain.length > 0 ? `,"domain":${goQuote(domain)}` : "";
  return `{"stream":${goQuote(stream)}${d},"seq":`;
}

/** pubAck is `{"stream":…,"seq":N}` for a stored plain message. */
export function pubAck(stream: string, seq: number, domain?: string): Uint8Array {
  return encoder.encode(`${pubAckHead(stream, domain)}${seq}}`);
}

/** duplicatePubAck is nats-server's duplicate answer, byte-exact: `…,"seq":N,"duplicate": true}`. */
export function duplicatePubAck(stream: string, seq: number, domain?: string): Uint8Array {
  return encoder.encode(`${pubAckHead(stream, domain)}${seq},"duplicate": true}`);
}

/** batchPubAck is the commit answer `{"stream":…,"seq":last,"batch":id,"count":n}`. */
export function batchPubAck(stream: string, seq: number, batchId: string, count: number, domain?: string): Uint8Array {
  return encoder.encode(`${pubAckHead(stream, domain)}${seq},"batch":${goQuote(batchId)},"count":${count}}`);
}

/** errorResponse is `{"error":{code,err_code,description},"stream":…,"seq":0}` (json.Marshal). */
export function errorResponse(stream: string, error: JetStreamApiError, domain?: string): Uint8Array {
  return errorResponseWire(stream, error.toWire(), domain);
}

/** errorResponseWire is errorResponse for an error already in wire form. */
export function errorResponseWire(stream: string, wire: ApiErrorWire, domain?: string): Uint8Array {
  const d = domain !== undefined && domain.length > 0 ? `,"domain":${goJson(domain)}` : "";
  const body =
    `{"error":{"code":${wire.code},"err_code":${wire.err_code},"description":${goJson(wire.description)}},` +
    `"stream":${goJson(stream)}${d},"seq":0}`;
  return encoder.encode(body);
}

/** formatRfc3339Nano renders Unix nanoseconds like Go's time.Time JSON (UTC, trailing zeros cut). */
export function formatRfc3339Nano(unixNs: bigint): string {
  const ms = unixNs / 1_000_000n;
  const fracNs = ((unixNs % 1_000_000_000n) + 1_000_000_000n) % 1_000_000_000n;
  const base = new Date(Number(ms)).toISOString().slice(0, 19);
  const frac = fracNs === 0n ? "" : `.${fracNs.toString().padStart(9, "0").replace(/0+$/, "")}`;
  return `${base}${frac}Z`;
}

/** AdvisoryFields are the variable parts of one batch-abandoned advisory. */
export interface AdvisoryFields {
  readonly stream: string;
  readonly batchId: string;
  readonly reason: AbandonReason;
  readonly id: string;
  readonly timestampNs: bigint;
  readonly domain?: string;
}

/** batchAbandonedAdvisory builds the advisory message (field order of nats-server's struct). */
export function batchAbandonedAdvisory(fields: AdvisoryFields): OutboundMessage {
  const domain =
    fields.domain !== undefined && fields.domain.length > 0 ? `,"domain":${goJson(fields.domain)}` : "";
  const body =
    `{"type":"${ADVISORY_BATCH_ABANDONED_TYPE}","id":${goJson(fields.id)},` +
    `"timestamp":"${formatRfc3339Nano(fields.timestampNs)}","stream":${goJson(fields.stream)}${domain},` +
    `"batch":${goJson(fields.batchId)},"reason":"${fields.reason}"}`;
  return { subject: `${ADVISORY_BATCH_ABANDONED_PREFIX}.${fields.stream}`, data: encoder.encode(body) };
}
