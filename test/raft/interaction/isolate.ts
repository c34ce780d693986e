/** `isolate <node>`: drops every message to and from the node until `heal`. */
import { checkOptions, checkPositional } from "./args";
import type { CommandArgs } from "./datadriven";
import type { InteractionEnv } from "./env";

/** handleIsolate runs `isolate`. */
export function handleIsolate(env: InteractionEnv, args: CommandArgs): string[] {
  checkPositional(args, 1, 1);
  checkOptions(args, () => false);
  const id = env.node(args.positional[0], "isolate");
  for (const other of env.net.ids) {
    if (other === id) continue;
    env.cut(id, other);
    env.cut(other, id);
  }
  return [`${id} isolated`];
}
