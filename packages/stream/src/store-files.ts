/**
 * store-files.ts: the directory handling around a restore. A restore is written into
 * `<dir>.restore`, then swapped in with two renames (`<dir>` -> `<dir>.old`,
 * `<dir>.restore` -> `<dir>`). `recoverSwap` finishes or discards an interrupted swap on open,
 * so a crash at any point leaves either the old state or the complete new one.
 */
import { access, rename, rm } from "node:fs/promises";

/** restoreDir is where a restore is staged. */
export function restoreDir(dir: string): string {
  return `${dir}.restore`;
}

/** oldDir is where the replaced state waits for deletion during a swap. */
export function oldDir(dir: string): string {
  return `${dir}.old`;
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch (err) {
    // Only "does not exist" answers the question; any other failure is a real error.
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw err;
  }
}

/** removeDir deletes a directory tree if it exists. */
export async function removeDir(path: string): Promise<void> {
  await rm(path, { recursive: true, force: true });
}

/** swapIn replaces `dir` with the completely written `<dir>.restore`. */
export async function swapIn(dir: string): Promise<void> {
  await rename(dir, oldDir(dir));
  await rename(restoreDir(dir), dir);
  await removeDir(oldDir(dir));
}

/**
 * recoverSwap finishes an interrupted swap: if `<dir>.old` exists and `<dir>` does not, the
 * first rename happened, so the staged restore is complete and is moved in; if both exist the
 * swap finished and the old copy is deleted. A staged restore without `<dir>.old` never began
 * its swap and is discarded.
 */
export async function recoverSwap(dir: string): Promise<void> {
  const hasDir = await exists(dir);
  const hasOld = await exists(oldDir(dir));
  const hasStaged = await exists(restoreDir(dir));
  if (hasOld && !hasDir && hasStaged) await rename(restoreDir(dir), dir);
  else if (hasStaged && !hasOld) await removeDir(restoreDir(dir));
  if (hasOld) await removeDir(oldDir(dir));
}
