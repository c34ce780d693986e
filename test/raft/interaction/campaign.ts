/** `campaign <node>`: the node starts an election now (pre-vote first when enabled). */
import { checkOptions, checkPositional } from "./args";
import type { CommandArgs } from "./datadriven";
import type { InteractionEnv } from "./env";

/** handleCampaign runs `campaign`; its output is the node's role and term afterwards. */
export function handleCampaign(env: InteractionEnv, args: CommandArgs): string[] {
  checkPositional(args, 1, 1);
  checkOptions(args, () => false);
  const id = env.node(args.positional[0], "campaign");
  const core = env.liveCore(id, "campaign");
  core.campaign();
  const st = core.status();
  return [`${id} ${st.role} term=${st.term}`];
}
