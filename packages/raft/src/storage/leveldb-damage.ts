/**
 * Damage LevelDB itself finds, below the checksums of our records: a store it cannot open or read
 * (LevelDbCorruptionError), and write-ahead-log records it skipped (WriteAheadLogLossError).
 *
 * Skipped records. classic-level builds LevelDB 1.20 without paranoid checks: when an open replays
 * the write-ahead log and a record's checksum fails, LevelDB skips that record and the rest of its
 * 32 KiB block, writes one line to its info log (`LOG` in the directory) and opens anyway. The
 * skipped batches may have held synced log entries, term and vote, and nothing left in the store
 * shows that they are gone. LevelDB moves `LOG` to `LOG.old` on every open and folds the replayed
 * write-ahead log into a table, so the evidence lives only until the open after next:
 * `walLossReports` reads it at once, and RaftStorage stores what it found under WAL_LOSS_KEY so
 * that every later open refuses as well.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";

/** REJOIN: what the operator can do about a directory the node refuses. */
const REJOIN = "move the directory aside to rejoin as an empty member";

/** LevelDB 1.20's line for a skipped write-ahead-log record (db_impl.cc, RecoverLogFile). */
const DROPPED_LINE = /\(ignoring error\) (\S+: dropping \d+ bytes; .*)$/;

/**
 * walLossReports returns LevelDB's reports of write-ahead-log bytes it dropped during the last two
 * opens of `dir` (`LOG.old` holds the one before: a crash between LevelDB's open and the store's
 * own record of the loss leaves the evidence there).
 */
export async function walLossReports(dir: string): Promise<string[]> {
  const reports: string[] = [];
  for (const name of ["LOG.old", "LOG"]) {
    for (const line of (await infoLog(join(dir, name))).split("\n")) {
      const dropped = DROPPED_LINE.exec(line);
      if (dropped !== null) reports.push(dropped[1]!);
    }
  }
  return reports;
}

async function infoLog(path: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    // LevelDB opens without an info log when it cannot create one, and a first open has no old one.
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return "";
    throw error;
  }
}

/**
 * WriteAheadLogLossError: LevelDB dropped records of its write-ahead log in this directory. The
 * node may have lost entries it acknowledged and the vote it cast, so it must not rejoin with this
 * directory (it could vote twice in one term); moved aside, the directory leaves room for an empty
 * member that catches up from the leader.
 */
export class WriteAheadLogLossError extends Error {
  override readonly name = "WriteAheadLogLossError";
  constructor(readonly dir: string, readonly reports: readonly string[]) {
    super(`LevelDB dropped write-ahead-log records of ${dir} (${reports.join("; ")}): entries this node acknowledged, ` +
      `its term and its vote may be lost, so it refuses to start on this directory; ${REJOIN}`);
  }
}

/**
 * LevelDbCorruptionError: LevelDB found its own files corrupt (its manifest, a table's block) while
 * the node opened or loaded the directory. What that file held is unknown, so the node refuses the
 * directory rather than start with a log or hard state that may lack records.
 */
export class LevelDbCorruptionError extends Error {
  override readonly name = "LevelDbCorruptionError";
  constructor(readonly dir: string, readonly reason: string, options: { cause: unknown }) {
    super(`LevelDB finds ${dir} corrupt (${reason}), so this node refuses to start on it; ${REJOIN}`, options);
  }
}

/** asLevelDbCorruption returns LevelDbCorruptionError for LevelDB's corruption errors (or causes), any other error as it is. */
export function asLevelDbCorruption(dir: string, error: unknown): unknown {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    if ((e as { code?: unknown }).code === "LEVEL_CORRUPTION") {
      return new LevelDbCorruptionError(dir, e.message, { cause: error });
    }
  }
  return error;
}
