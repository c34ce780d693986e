/**
 * `wipe <node>`: the node loses its whole disk and restarts empty (same id and config), as
 * after a replaced drive. It may have acknowledged entries it no longer holds.
 */
import { checkOptions, checkPositional } from "./args";
import type { CommandArgs } from "./datadriven";
import type { InteractionEnv } from "./env";
import { statusLines } from "./status";

/** handleWipe runs `wipe`. */
export function handleWipe(env: InteractionEnv, args: CommandArgs): string[] {
  checkPositional(args, 1, 1);
  checkOptions(args, () => false);
  const id = env.node(args.positional[0], "wipe");
  env.wipe(id);
  env.net.process(id);
  return statusLines(env, id);
}
