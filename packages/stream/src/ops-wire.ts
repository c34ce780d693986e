/**
 * ops-wire.ts: the pieces of the op codec shared by encoder and decoder: numeric kind codes,
 * the msgpack instance, and the decode error type.
 */
import { Packr } from "msgpackr";

/** OpDecodeError reports malformed op bytes; the message names the offending field. */
export class OpDecodeError extends Error {
  override readonly name = "OpDecodeError";
}

/** KIND_CODES maps each op kind to the number that starts its wire array. */
export const KIND_CODES = {
  "stream.create": 1,
  "stream.update": 2,
  "stream.delete": 3,
  msg: 4,
  batch: 5,
  purge: 6,
  "msg.delete": 7,
  expire: 8,
} as const;

/** CODE_KINDS is the inverse of KIND_CODES. */
export const CODE_KINDS = new Map<number, keyof typeof KIND_CODES>(
  Object.entries(KIND_CODES).map(([kind, code]) => [code, kind as keyof typeof KIND_CODES]),
);

/** opPackr packs bigints as int64 and unpacks every int64 as a bigint. */
export const opPackr = new Packr({ useRecords: false, int64AsType: "bigint", mapsAsObjects: true });
