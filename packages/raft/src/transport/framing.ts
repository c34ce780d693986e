/**
 * Length-prefixed framing: every frame is a uint32 big-endian body length followed by a
 * msgpackr-encoded body. The decoder is fed arbitrary socket chunks and never touches a socket.
 */
import { Packr } from "msgpackr";
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
