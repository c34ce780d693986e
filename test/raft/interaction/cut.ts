/** `cut <a> <b> [one-way=true]`: drops messages between a and b (only a->b when one-way). */
import { boolOption, checkOptions, checkPositional } from "./args";
import type { CommandArgs } from "./datadriven";
import type { InteractionEnv } from "./env";

/** handleCut runs `cut`. */
export function handleCut(env: InteractionEnv, args: CommandArgs): string[] {
  checkPositional(args, 2, 2);
  checkOptions(args, (key) => key === "one-way");
  const a = env.node(args.positional[0], "cut");
  const b = env.node(args.positional[1], "cut");
  if (a === b) throw new Error("cut: a node cannot be cut from itself");
  env.cut(a, b);
  if (boolOption(args, "one-way", false)) return [`${a}->${b} cut`];
  env.cut(b, a);
  return [`${a}<->${b} cut`];
}
