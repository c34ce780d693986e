/**
 * `compact <node> [keep=N]`: the node snapshots its state machine at its applied index and
 * compacts its log, keeping the last N entries before it (default 0). The compaction reaches
 * the disk with the node's next Ready.
 */
import { checkOptions, checkPositional, intOption } from "./args";
import type { CommandArgs } from "./datadriven";
import type { InteractionEnv } from "./env";

/** handleCompact runs `compact`. */
export function handleCompact(env: InteractionEnv, args: CommandArgs): string[] {
  checkPositional(args, 1, 1);
  checkOptions(args, (key) => key === "keep");
  const id = env.node(args.positional[0], "compact");
  const core = env.liveCore(id, "compact");
  const disk = env.net.node(id).disk;
  const index = disk.appliedIndex;
  const term = disk.entries.find((entry) => entry.index === index)?.term ?? disk.snapshot?.meta.term;
  if (term === undefined) throw new Error(`compact: ${id} knows no term for its applied index ${index}`);
  const meta = { index, term, peers: [...env.net.ids] };
  disk.takeSnapshot(meta);
  core.compact(meta, intOption(args, "keep", 0));
  return [`${id} snapshot ${index}/${term} first=${core.status().firstIndex}`];
}
