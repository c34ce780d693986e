/**
 * `crash <node>`: the node stops (its core is dropped; messages to it are lost). Its disk
 * keeps what earlier Readies persisted — every Ready is fully persisted here.
 */
import { checkOptions, checkPositional } from "./args";
import type { CommandArgs } from "./datadriven";
import type { InteractionEnv } from "./env";

/** handleCrash runs `crash`. */
export function handleCrash(env: InteractionEnv, args: CommandArgs): string[] {
  checkPositional(args, 1, 1);
  checkOptions(args, () => false);
  const id = env.node(args.positional[0], "crash");
  env.crash(id);
  return [`${id} down`];
}
