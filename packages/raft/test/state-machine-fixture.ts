/**
 * HashChainStateMachine: a test state machine that keeps every applied payload and a SHA-256
 * chain over them, so replicas can be compared exactly. Its snapshot is a point-in-time copy.
 */
import { createHash } from "node:crypto";
import { Packr } from "msgpackr";
import { EntryKind, type Entry, type StateMachine } from "../src/internal";

const packr = new Packr({ useRecords: false });
const PIECE_BYTES = 4096;

/** HashChainStateMachine implements StateMachine for tests. */
export class HashChainStateMachine implements StateMachine {
  hash = Buffer.alloc(32).toString("hex");
  values: string[] = [];
  appliedIndex_ = 0;
  restores = 0;

  apply(entries: readonly Entry[]): void {
    for (const entry of entries) {
      if (entry.index !== this.appliedIndex_ + 1) {
        throw new Error(`apply gap: got ${entry.index} after ${this.appliedIndex_}`);
      }
      this.appliedIndex_ = entry.index;
      if (entry.kind === EntryKind.Noop) continue;
      const text = Buffer.from(entry.data).toString();
      this.values.push(text);
      this.hash = createHash("sha256").update(this.hash).update(entry.data).digest("hex");
    }
  }

  snapshot(): AsyncIterable<Uint8Array> {
    const image = packr.pack({ hash: this.hash, values: this.values, appliedIndex: this.appliedIndex_ });
    return (async function* () {
      for (let offset = 0; offset < image.length; offset += PIECE_BYTES) yield image.subarray(offset, offset + PIECE_BYTES);
    })();
  }

  async restore(chunks: AsyncIterable<Uint8Array>): Promise<void> {
    const parts: Uint8Array[] = [];
    for await (const chunk of chunks) parts.push(chunk);
    const state = packr.unpack(Buffer.concat(parts)) as { hash: string; values: string[]; appliedIndex: number };
    this.hash = state.hash;
    this.values = state.values;
    this.appliedIndex_ = state.appliedIndex;
    this.restores++;
  }
}
