/**
 * `stabilize`: processes every node's Ready and delivers every queued message, round after
 * round, until nothing is left. Each Ready is printed (its `send` lines are the messages, in
 * delivery order); a message lost to a partition or a crashed target is printed as dropped.
 */
import { checkOptions, checkPositional } from "./args";
import type { CommandArgs } from "./datadriven";
import type { InteractionEnv } from "./env";

/** handleStabilize runs `stabilize`. */
export function handleStabilize(env: InteractionEnv, args: CommandArgs): string[] {
  checkPositional(args, 0, 0);
  checkOptions(args, () => false);
  const lines = env.stabilize();
  return lines.length > 0 ? lines : ["no work"];
}
