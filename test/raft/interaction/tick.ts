/** `tick [node...] [count=N]`: advances the given nodes (default: every running one) N ticks. */
import { checkOptions, intOption } from "./args";
import type { CommandArgs } from "./datadriven";
import type { InteractionEnv } from "./env";

/** handleTick runs `tick`; nothing is processed or delivered, so its output is `ok`. */
export function handleTick(env: InteractionEnv, args: CommandArgs): string[] {
  checkOptions(args, (key) => key === "count");
  const count = intOption(args, "count", 1);
  const ids = args.positional.length === 0 ? env.net.ids.filter((id) => !env.isDown(id)) : env.nodesOf(args);
  for (let i = 0; i < count; i++) {
    for (const id of ids) env.liveCore(id, "tick").tick();
  }
  return ["ok"];
}
