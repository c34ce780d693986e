/** Recovery: how the stored commit, the log and a self-persisting state machine's applied index combine. */
import { describe, expect, it } from "vitest";
import { EntryKind, RaftStorage, StorageCorruptionError, type Entry, type StateMachine } from "../src/internal";
import { recover } from "../src/node/recovery";
import { bytes, silentLogger, tempDirsPerTest } from "./helpers";

const freshDir = tempDirsPerTest("recovery");

/** PersistedMachine stands for a state machine that stores its own applied index. */
function persistedMachine(appliedIndex: number): StateMachine {
  return {
    apply: (_entries: readonly Entry[]) => undefined,
    snapshot: async function* () {
      yield bytes("unused");
    },
    restore: async () => undefined,
    appliedIndex: () => appliedIndex,
  };
}

async function storageWithLog(lastIndex: number, commit: number): Promise<string> {
  const dir = await freshDir();
  const s = await RaftStorage.open(dir);
  await s.load();
  const entries: Entry[] = [];
  for (let index = 1; index <= lastIndex; index++) entries.push({ index, term: 1, kind: EntryKind.Normal, data: bytes(`e${index}`) });
  await s.persist({ entries, hardState: { term: 1, vote: "n1", commit }, snapshot: null, compactedThrough: null });
  await s.close(false);
  return dir;
}

describe("node - recovery", () => {
  it("an applied index beyond the lazily stored commit but within the log is the commit", async () => {
    const dir = await storageWithLog(10, 3);
    const storage = await RaftStorage.open(dir);
    const recovered = await recover(storage, persistedMachine(7), silentLogger());
    expect(recovered.restore.hardState).toEqual({ term: 1, vote: "n1", commit: 7 });
    expect(recovered.restore.applied).toBe(7);
    expect(recovered.appliedTerm).toBe(1);
    await storage.close();
  });

  it("an applied index beyond the log is refused: the log lost committed entries", async () => {
    const dir = await storageWithLog(10, 3);
    const storage = await RaftStorage.open(dir);
    const failure = recover(storage, persistedMachine(12), silentLogger());
    await expect(failure).rejects.toThrow(StorageCorruptionError);
    await expect(failure).rejects.toThrow("state machine applied 12 beyond the trusted commit 3");
    await storage.close();
  });
});
