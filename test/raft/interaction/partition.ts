/**
 * `partition <group> <group> ...`: each group is a comma-separated list of nodes, and every
 * node appears in exactly one group; messages between groups are dropped until `heal`.
 */
import { checkOptions, checkPositional } from "./args";
import type { CommandArgs } from "./datadriven";
import type { InteractionEnv } from "./env";

/** handlePartition runs `partition`. */
export function handlePartition(env: InteractionEnv, args: CommandArgs): string[] {
  checkPositional(args, 2, 9);
  checkOptions(args, () => false);
  const groups = args.positional.map((group) => group.split(",").map((id) => env.node(id, "partition")));
  const listed = groups.flat();
  const missing = env.net.ids.filter((id) => !listed.includes(id));
  if (missing.length > 0 || new Set(listed).size !== listed.length) {
    throw new Error(`partition: every node must be in exactly one group (missing: ${missing.join(",") || "none"})`);
  }
  groups.forEach((group, i) => {
    for (const other of groups.slice(i + 1)) {
      for (const a of group) {
        for (const b of other) {
          env.cut(a, b);
          env.cut(b, a);
        }
      }
    }
  });
  return [groups.map((group) => `{${group.join(",")}}`).join(" | ")];
}
