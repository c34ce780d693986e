/** `restart <node>`: boots a crashed node from its disk; prints its restored status. */
import { checkOptions, checkPositional } from "./args";
import type { CommandArgs } from "./datadriven";
import type { InteractionEnv } from "./env";
import { statusLines } from "./status";

/** handleRestart runs `restart`. */
export function handleRestart(env: InteractionEnv, args: CommandArgs): string[] {
  checkPositional(args, 1, 1);
  checkOptions(args, () => false);
  const id = env.node(args.positional[0], "restart");
  env.restart(id);
  return statusLines(env, id);
}
