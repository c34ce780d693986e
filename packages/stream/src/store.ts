/**
 * store.ts: StreamStore, the durable state machine of every stream on one replica: one Level
 * database holds all streams; memory holds the indexes (stream-memory.ts).
 *
 * `apply(raftIndex, op)` runs the op against memory and writes ALL its changes, plus the
 * applied Raft index, as ONE Level batch, so an entry (a whole atomic batch included) is
 * stored entirely or not at all. An entry at or below the applied index is a replay and
 * changes nothing. Applies and restores run one at a time in call order. A failed write leaves
 * memory ahead of disk, so the store refuses all further work (the process must restart and
 * rebuild from disk).
 */
import { mkdir } from "node:fs/promises";
import { Level } from "level";
import { fail } from "./assert";
import { applyOp, type ApplyResult } from "./apply";
import { APPLIED_INDEX_KEY, DAMAGE_KEY } from "./keys";
import { StoreDamagedError, levelDbCorruption, skippedLogRecords } from "./leveldb-damage";
import { writeBatch } from "./level-batch";
import type { LevelOp, MessageReader } from "./level-types";
import { decodeOp, type StreamOp } from "./ops";
import { encodeU64Value } from "./records";
import { readSnapshotInto, writeSnapshot } from "./snapshot";
import { SnapshotCorruptError } from "./snapshot-format";
import { loadState, type RangeReader } from "./store-load";
import { recoverSwap, removeDir, restoreDir, swapIn } from "./store-files";
import type { StreamMemory } from "./stream-memory";
import type { StreamView } from "./view";
import type { LogIndex, Nanos } from "./units";

type Db = Level<Uint8Array, Uint8Array>;

const LEVEL_OPTIONS = { keyEncoding: "view", valueEncoding: "view" } as const;
const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder();

/**
 * StoreOptions tunes durability. Entry writes are not fsynced by default: the Raft log is the
 * durable record, and entries above the store's applied index are re-applied after a crash.
 * The Raft driver must call `sync()` before it discards log entries the store has applied.
 */
export interface StoreOptions {
  /** syncWrites fsyncs every entry write (slower; for deployments without a Raft log). */
  syncWrites?: boolean;
}

/** StoreUnusableError: a write failed earlier (or the store is closed); nothing more is done. */
export class StoreUnusableError extends Error {
  override readonly name = "StoreUnusableError";
}

async function openDb(dir: string): Promise<Db> {
  const db = new Level<Uint8Array, Uint8Array>(dir, LEVEL_OPTIONS);
  await db.open();
  return db;
}

/** damaged turns LevelDB's corruption errors into StoreDamagedError and returns any other error as it is. */
function damaged(dir: string, err: unknown): unknown {
  const corruption = levelDbCorruption(err);
  return corruption === null ? err : new StoreDamagedError(dir, [corruption]);
}

/**
 * storedDamage returns every report of write-ahead-log records LevelDB skipped in `dir`, stored
 * ones first. New ones are stored (fsynced) at once: LevelDB keeps its own account only until
 * the open after next.
 */
async function storedDamage(db: Db, dir: string): Promise<string[]> {
  const stored = await db.get(DAMAGE_KEY);
  const previous = stored === undefined ? [] : utf8Decoder.decode(stored).split("\n");
  // The open before this one may have stored what its LOG, now LOG.old, reports.
  const fresh = [...new Set(await skippedLogRecords(dir))].filter((report) => !previous.includes(report));
  if (fresh.length > 0) await db.put(DAMAGE_KEY, utf8Encoder.encode([...previous, ...fresh].join("\n")), { sync: true });
  return [...previous, ...fresh];
}

function rangeReader(db: Db): RangeReader {
  return {
    range: (gte, lt) => db.iterator({ gte, lt }),
    readValue: async (key) => db.get(key),
  };
}

/** StreamStore is every stream's durable, replicated state on this replica. */
export class StreamStore {
  private streamsByName: Map<string, StreamMemory>;
  private applied: LogIndex;
  private tail: Promise<unknown> = Promise.resolve();
  private unusable: StoreUnusableError | undefined;
  private readonly reader: MessageReader;

  private constructor(
    private readonly dir: string,
    private db: Db,
    private readonly syncWrites: boolean,
  ) {
    this.streamsByName = new Map();
    this.applied = 0;
    // Reads wait for queued writes, so a read never sees memory ahead of disk.
    this.reader = { readValue: async (key) => (await this.idle(), this.db.get(key)) };
  }

  /**
   * open opens (or creates) the store in `dir` and rebuilds every stream's memory. It throws
   * StoreDamagedError when LevelDB finds its files damaged, now or at an earlier open.
   */
  static async open(dir: string, options: StoreOptions = {}): Promise<StreamStore> {
    await recoverSwap(dir);
    await mkdir(dir, { recursive: true });
    const db = await openDb(dir).catch((err: unknown) => {
      throw damaged(dir, err);
    });
    const store = new StreamStore(dir, db, options.syncWrites === true);
    try {
      const skipped = await storedDamage(db, dir);
      if (skipped.length > 0) throw new StoreDamagedError(dir, skipped);
      const loaded = await loadState(rangeReader(store.db), store.reader);
      store.streamsByName = loaded.streams;
      store.applied = loaded.appliedIndex;
    } catch (err) {
      await db.close();
      throw damaged(dir, err);
    }
    return store;
  }

  /** appliedIndex is the Raft index of the last applied entry (0 for a new store). */
  get appliedIndex(): LogIndex {
    return this.applied;
  }

  /** apply applies the op of Raft entry `raftIndex`; a replayed entry changes nothing. */
  apply(raftIndex: LogIndex, op: StreamOp): Promise<ApplyResult> {
    return this.enqueue(() => this.applyNow(raftIndex, op));
  }

  /**
   * markApplied records a Raft entry that carries no stream op (a leader's empty entry, a
   * membership change) as applied, so `appliedIndex` follows the log. Returns false for a
   * replay. One write holding only the applied index.
   */
  markApplied(raftIndex: LogIndex): Promise<boolean> {
    return this.enqueue(async () => {
      this.checkUsable();
      if (!Number.isSafeInteger(raftIndex) || raftIndex <= 0) fail(`markApplied: bad raft index ${raftIndex}`);
      if (raftIndex <= this.applied) return false;
      await this.write([], raftIndex);
      return true;
    });
  }

  /**
   * sync makes every write so far durable (one fsynced write of the applied index). Call it
   * before compacting the Raft log up to `appliedIndex`.
   */
  sync(): Promise<void> {
    return this.enqueue(async () => {
      this.checkUsable();
      if (this.applied === 0) return;
      await this.write([], this.applied, true);
    });
  }

  /**
   * applyEncoded decodes entry bytes (encodeOp) and applies them. Malformed bytes reject with
   * OpDecodeError and leave the store, including its applied index, unchanged.
   */
  async applyEncoded(raftIndex: LogIndex, bytes: Uint8Array): Promise<ApplyResult> {
    return this.apply(raftIndex, decodeOp(bytes));
  }

  /** view returns the read view of one stream, or undefined if it does not exist. */
  view(stream: string): StreamView | undefined {
    return this.streamsByName.get(stream);
  }

  /**
   * nextExpiryNs returns when an `expire` op for `stream` would next remove something (TTL,
   * max_age or dedupe window), or undefined if nothing would; the leader schedules from it.
   */
  nextExpiryNs(stream: string): Nanos | undefined {
    return this.streamsByName.get(stream)?.nextExpiryNs();
  }

  /** streams returns every stream's view, ordered by name. */
  streams(): StreamView[] {
    return [...this.streamsByName.values()].sort((a, b) => (a.config.name < b.config.name ? -1 : 1));
  }

  /** idle resolves when every queued apply and restore has finished. */
  async idle(): Promise<void> {
    await this.tail.then(
      () => undefined,
      () => undefined,
    );
  }

  private enqueue<T>(work: () => Promise<T>): Promise<T> {
    const run = this.tail.then(
      () => work(),
      () => work(),
    );
    this.tail = run;
    return run;
  }

  private checkUsable(): void {
    if (this.unusable !== undefined) throw this.unusable;
  }

  private async applyNow(raftIndex: LogIndex, op: StreamOp): Promise<ApplyResult> {
    this.checkUsable();
    if (!Number.isSafeInteger(raftIndex) || raftIndex <= 0) fail(`apply: bad raft index ${raftIndex}`);
    if (raftIndex <= this.applied) return { kind: "replayed", raftIndex };
    const ops: LevelOp[] = [];
    let result: ApplyResult;
    try {
      result = applyOp({ streams: this.streamsByName, reader: this.reader, ops }, op);
    } catch (err) {
      // A broken invariant may have left memory half-changed; nothing more may be applied.
      const message = "stream store: apply broke an invariant; reopen to rebuild from disk";
      this.unusable = new StoreUnusableError(message, { cause: err });
      throw err;
    }
    await this.write(ops, raftIndex);
    return result;
  }

  /** write adds the applied index to `ops` and writes them as one batch. */
  private async write(ops: LevelOp[], raftIndex: LogIndex, sync = this.syncWrites): Promise<void> {
    ops.push({ type: "put", key: APPLIED_INDEX_KEY, value: encodeU64Value(raftIndex) });
    this.applied = raftIndex;
    try {
      await writeBatch(this.db, ops, sync);
    } catch (err) {
      const message = "stream store: a write failed; reopen to rebuild from disk";
      this.unusable = new StoreUnusableError(message, { cause: err });
      throw this.unusable;
    }
  }

  /**
   * snapshot streams the whole store (all streams, the applied index) as checksummed chunks
   * (snapshot-format.ts). It reads a point-in-time view taken after queued work finished;
   * applies may continue meanwhile.
   */
  async *snapshot(): AsyncIterable<Uint8Array> {
    await this.idle();
    this.checkUsable();
    yield* writeSnapshot(this.db.iterator());
  }

  /**
   * restore replaces the whole store with a snapshot. Every chunk is verified and the content
   * checked before anything is replaced; on any error (SnapshotCorruptError for bad data) the
   * store is left exactly as it was.
   */
  restore(chunks: AsyncIterable<Uint8Array>): Promise<void> {
    return this.enqueue(() => this.restoreNow(chunks));
  }

  private async restoreNow(chunks: AsyncIterable<Uint8Array>): Promise<void> {
    this.checkUsable();
    const staged = restoreDir(this.dir);
    await removeDir(staged);
    const stagingDb = await openDb(staged);
    let loaded;
    try {
      await readSnapshotInto(chunks, stagingDb);
      loaded = await loadState(rangeReader(stagingDb), this.reader).catch((err: unknown) => {
        throw new SnapshotCorruptError("snapshot content is inconsistent", { cause: err });
      });
    } catch (err) {
      await stagingDb.close();
      await removeDir(staged);
      throw err;
    }
    await stagingDb.close();
    await this.db.close();
    await swapIn(this.dir);
    this.db = await openDb(this.dir);
    this.streamsByName = loaded.streams;
    this.applied = loaded.appliedIndex;
  }

  /** close waits for queued work and closes the database. */
  async close(): Promise<void> {
    await this.idle();
    this.unusable ??= new StoreUnusableError("stream store is closed");
    await this.db.close();
  }
}
