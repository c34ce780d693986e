/**
 * `raft-log <node>`: what the node's disk holds: the snapshot (if any), then every stored
 * entry, then the payloads its state machine applied.
 */
import { checkOptions, checkPositional } from "./args";
import type { CommandArgs } from "./datadriven";
import type { InteractionEnv } from "./env";
import { formatEntry } from "./format";

/** handleRaftLog runs `raft-log`. */
export function handleRaftLog(env: InteractionEnv, args: CommandArgs): string[] {
  checkPositional(args, 1, 1);
  checkOptions(args, () => false);
  const id = env.node(args.positional[0], "raft-log");
  const disk = env.net.node(id).disk;
  const lines: string[] = [];
  if (disk.snapshot !== null) lines.push(`snapshot ${disk.snapshot.meta.index}/${disk.snapshot.meta.term}`);
  lines.push(...disk.entries.map(formatEntry));
  if (lines.length === 0) lines.push("log empty");
  lines.push(`applied ${disk.appliedIndex} ${JSON.stringify(disk.applied)}`);
  return lines;
}
