/**
 * `process-ready [node...]`: runs one Ready cycle on each node (persist, queue the messages,
 * apply, advance) without delivering anything, and prints each Ready.
 */
import { checkOptions } from "./args";
import type { CommandArgs } from "./datadriven";
import type { InteractionEnv } from "./env";

/** handleProcessReady runs `process-ready`. */
export function handleProcessReady(env: InteractionEnv, args: CommandArgs): string[] {
  checkOptions(args, () => false);
  const lines = env.nodesOf(args).flatMap((id) => env.processReady(id));
  return lines.length > 0 ? lines : ["no ready"];
}
