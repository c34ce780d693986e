/**
 * Start-up recovery: load and check the storage, restore the state machine from the stored
 * snapshot when it is behind, and build the RaftRestore for the core.
 *
 * Corruption (design.md §5) is logged, the untrusted part is dropped, and the node is put into
 * repair mode: it neither votes nor campaigns until its commit index has passed everything it
 * had before (the storage's repair target, stored so that a restart mid-repair resumes it), so its
 * shortened log can never help elect a leader that lacks an entry this node once acknowledged.
 */
import type { Logger } from "pino";
import type { RaftRestore } from "../core/state";
import type { Term } from "../core/types";
import { StorageCorruptionError } from "../storage/errors";
import type { RaftStorage } from "../storage/level-storage";
import type { StateMachine } from "./state-machine";

/** Recovered is what the node needs to construct its core. */
export interface Recovered {
  readonly restore: RaftRestore;
  /** appliedTerm is the term of the entry at restore.applied (0 when nothing is applied). */
  readonly appliedTerm: Term;
}

/** recover loads `storage`, restores `sm` as needed and returns the core's starting point. */
export async function recover(storage: RaftStorage, sm: StateMachine, logger: Logger): Promise<Recovered> {
  const loaded = await storage.load();
  for (const c of loaded.corruptions) {
    logger.error({ key: c.key, reason: c.reason, repairTargetIndex: c.repairTargetIndex },
      "raft storage: checksum failure detected; untrusted records dropped, repairing from the leader");
  }
  if (loaded.corruptions.length === 0 && storage.repairTarget > 0) {
    const repairTargetIndex = storage.repairTarget;
    logger.warn({ repairTargetIndex }, "raft storage: repair unfinished before the restart; resuming it");
  }
  let { snapshot, entries, hardState } = loaded;
  if (snapshot !== null) {
    try {
      await storage.verifySnapshot(snapshot);
    } catch (error) {
      if (!(error instanceof StorageCorruptionError)) throw error;
      logger.error({ err: error.message, index: snapshot.meta.index },
        "raft storage: stored snapshot is corrupt; dropping snapshot and log, repairing from the leader");
      await storage.discardSnapshotAndLog(hardState, Math.max(snapshot.meta.index, entries.at(-1)?.index ?? 0));
      hardState = { ...hardState, commit: 0 };
      snapshot = null;
      entries = [];
    }
  }
  const snapIndex = snapshot?.meta.index ?? 0;
  let applied = (await sm.appliedIndex?.()) ?? 0;
  if (snapshot !== null && applied < snapIndex) {
    await sm.restore(storage.readChunks(snapshot));
    applied = snapIndex;
  }
  // Only committed entries are ever applied, so a state machine's own applied index proves its
  // entries committed; the stored commit may lag it, since a commit-only change is written lazily
  // (RaftStorage.persist). It proves nothing about entries the log no longer holds.
  const trustedLast = entries.at(-1)?.index ?? snapIndex;
  const commit = Math.max(hardState.commit, snapIndex, applied <= trustedLast ? applied : 0);
  if (applied > commit) {
    throw new StorageCorruptionError("M", `state machine applied ${applied} beyond the trusted commit ${commit}`);
  }
  const appliedTerm = applied === snapIndex ? (snapshot?.meta.term ?? 0) : entryTerm(entries, applied);
  const restore: RaftRestore = { hardState: { ...hardState, commit }, snapshot: snapshot?.meta ?? null, entries, applied };
  return { restore, appliedTerm };
}

function entryTerm(entries: RaftRestore["entries"], index: number): Term {
  const first = entries[0];
  const entry = first === undefined ? undefined : entries[index - first.index];
  if (entry === undefined || entry.index !== index) {
    throw new StorageCorruptionError(`L/${index}`, "applied entry missing from the log");
  }
  return entry.term;
}
