/**
 * Length-prefixed framing: every frame is a uint32 big-endian body length followed by a
 * msgpackr-encoded body. The decoder is fed arbitrary socket chunks and never touches a socket.
 */
import { Packr } from "msgpackr";
import { assert } from "../assert";
import { FRAME_HEADER_BYTES } from "./limits";

const packr = new Packr({ useRecords: false, mapsAsObjects: true });

/** FrameError reports a malformed frame; the connection that sent it must be closed. */
export class FrameError extends Error {
  override readonly name = "FrameError";
}

/** encodeFrame returns the wire bytes of one frame body. */
export function encodeFrame(body: unknown): Buffer {
  const payload = packr.pack(body);
  const frame = Buffer.allocUnsafe(FRAME_HEADER_BYTES + payload.length);
  frame.writeUInt32BE(payload.length, 0);
  payload.copy(frame, FRAME_HEADER_BYTES);
  return frame;
}

/** EMPTY_BIN_PLACEHOLDER: what encodeFrameWithBlob's caller puts where the blob goes. */
export const EMPTY_BIN_PLACEHOLDER = new Uint8Array(0);
const MSGPACK_BIN8_EMPTY = [0xc4, 0x00] as const;
const MSGPACK_BIN32 = 0xc6;
const BIN32_HEADER_BYTES = 5;

/**
 * encodeFrameWithBlob returns one frame as pieces to write in order: `body`, whose last packed
 * value must be EMPTY_BIN_PLACEHOLDER (the last key of its innermost last map), with that value
 * replaced by `blob` as a msgpack bin32. The blob itself is not copied: packing it inside the
 * body and then copying the body behind the length prefix cost two copies of up to a megabyte
 * per Append (measured with 16 KiB entries). The receiver decodes an ordinary msgpack frame.
 */
export function encodeFrameWithBlob(body: unknown, blob: Uint8Array): Uint8Array[] {
  const packed = packr.pack(body);
  const prefixBytes = packed.length - MSGPACK_BIN8_EMPTY.length;
  assert(
    prefixBytes > 0 && packed[prefixBytes] === MSGPACK_BIN8_EMPTY[0] && packed[prefixBytes + 1] === MSGPACK_BIN8_EMPTY[1],
    "encodeFrameWithBlob: the body must end with the empty-bin placeholder",
  );
  const head = Buffer.allocUnsafe(FRAME_HEADER_BYTES + prefixBytes + BIN32_HEADER_BYTES);
  head.writeUInt32BE(prefixBytes + BIN32_HEADER_BYTES + blob.length, 0);
  packed.copy(head, FRAME_HEADER_BYTES, 0, prefixBytes);
  head[FRAME_HEADER_BYTES + prefixBytes] = MSGPACK_BIN32;
  head.writeUInt32BE(blob.length, FRAME_HEADER_BYTES + prefixBytes + 1);
  return [head, blob];
}

/** FrameDecoder turns a byte stream into decoded frame bodies, bounded by `frameBytesMax`. */
export class FrameDecoder {
  /** frameBytesMax may be raised after the handshake (see the transport). */
  frameBytesMax: number;
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  constructor(frameBytesMax: number) {
    this.frameBytesMax = frameBytesMax;
  }

  /** push appends a chunk of the byte stream; call `next` until it returns undefined. */
  push(chunk: Buffer): void {
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
  }

  /**
   * next returns the next complete frame body, or undefined when more bytes are needed. It throws
   * FrameError on a bad length or an undecodable body. One frame at a time, so the caller can
   * change `frameBytesMax` between frames (after the handshake).
   */
  next(): unknown {
    if (this.pendingBytes < FRAME_HEADER_BYTES) return undefined;
    const length = this.peek(FRAME_HEADER_BYTES).readUInt32BE(0);
    if (length === 0) throw new FrameError("frame length 0");
    if (length > this.frameBytesMax) {
      throw new FrameError(`frame length ${length} exceeds limit ${this.frameBytesMax}`);
    }
    if (this.pendingBytes < FRAME_HEADER_BYTES + length) return undefined;
    const frame = this.take(FRAME_HEADER_BYTES + length);
    return decodeBody(frame.subarray(FRAME_HEADER_BYTES));
  }

  private peek(count: number): Buffer {
    const first = this.pending[0]!;
    if (first.length >= count) return first;
    this.pending = [Buffer.concat(this.pending)];
    return this.pending[0]!;
  }

  private take(count: number): Buffer {
    const joined = this.peek(count);
    const frame = joined.subarray(0, count);
    const rest = joined.subarray(count);
    this.pending = rest.length > 0 ? [rest] : [];
    this.pendingBytes -= count;
    return frame;
  }
}

function decodeBody(body: Buffer): unknown {
  try {
    return packr.unpack(body);
  } catch (error) {
    throw new FrameError(`undecodable frame body: ${(error as Error).message}`);
  }
}
