/** `heal`: restores every link cut by partition, isolate or cut (crashed nodes stay down). */
import { checkOptions, checkPositional } from "./args";
import type { CommandArgs } from "./datadriven";
import type { InteractionEnv } from "./env";

/** handleHeal runs `heal`. */
export function handleHeal(env: InteractionEnv, args: CommandArgs): string[] {
  checkPositional(args, 0, 0);
  checkOptions(args, () => false);
  env.heal();
  return ["healed"];
}
