/**
 * leveldb-damage.ts: damage LevelDB itself finds in the store's files. classic-level builds
 * LevelDB 1.20 without paranoid checks: an open that replays the write-ahead log skips each record
 * whose checksum fails (with the rest of its 32 KiB block), notes it only in its info log (`LOG`)
 * and opens. A skipped entry write followed by kept ones leaves an applied index that claims
 * messages the store lacks: a replica that differs in silence. LevelDB moves `LOG` to `LOG.old` on
 * every open, so the store reads both at once and keeps what it found (DAMAGE_KEY) to refuse every
 * later open as well. A manifest or table LevelDB cannot read is refused the same way. (The raft
 * package reads the same lines; the packages share no code.)
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";

/** LevelDB 1.20's line for a skipped write-ahead-log record (db_impl.cc, RecoverLogFile). */
const SKIPPED_LINE = /\(ignoring error\) (\S+: dropping \d+ bytes; .*)$/;

/**
 * skippedLogRecords returns LevelDB's reports of write-ahead-log bytes it skipped during the last
 * two opens of `dir` (`LOG.old` holds the one before: a crash between LevelDB's open and the
 * store's own record of the damage leaves the evidence there).
 */
export async function skippedLogRecords(dir: string): Promise<string[]> {
  const reports: string[] = [];
  for (const name of ["LOG.old", "LOG"]) {
    for (const line of (await infoLog(join(dir, name))).split("\n")) {
      const skipped = SKIPPED_LINE.exec(line);
      if (skipped !== null) reports.push(skipped[1]!);
    }
  }
  return reports;
}

async function infoLog(path: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (err) {
    // LevelDB opens without an info log when it cannot create one, and a first open has no old one.
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return "";
    throw err;
  }
}

/** levelDbCorruption returns the message of LevelDB's corruption error in `err` or its causes, else null. */
export function levelDbCorruption(err: unknown): string | null {
  for (let e: unknown = err; e instanceof Error; e = e.cause) {
    if ((e as { code?: unknown }).code === "LEVEL_CORRUPTION") return e.message;
  }
  return null;
}

/**
 * StoreDamagedError: LevelDB found the store's files damaged, now or at an earlier open. What they
 * held cannot be known, so the store refuses to open; its owner moves the directory aside and
 * rebuilds the store from the Raft log and snapshot.
 */
export class StoreDamagedError extends Error {
  override readonly name = "StoreDamagedError";
  constructor(readonly dir: string, readonly reports: readonly string[]) {
    super(`LevelDB found the stream store ${dir} damaged (${reports.join("; ")}); it refuses to open: ` +
      "move the directory aside and rebuild the store from Raft");
  }
}
