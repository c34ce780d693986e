/** `transfer-leader <leader> <target>`: asks the leader to hand leadership to the target. */
import { InvalidTransferTargetError, ProposalError } from "../harness/raft";
import { checkOptions, checkPositional } from "./args";
import type { CommandArgs } from "./datadriven";
import type { InteractionEnv } from "./env";

/** handleTransferLeader runs `transfer-leader`; a typed refusal is printed, not thrown. */
export function handleTransferLeader(env: InteractionEnv, args: CommandArgs): string[] {
  checkPositional(args, 2, 2);
  checkOptions(args, () => false);
  const id = env.node(args.positional[0], "transfer-leader");
  const target = args.positional[1] ?? "";
  const core = env.liveCore(id, "transfer-leader");
  try {
    core.transferLeadership(target);
  } catch (error) {
    if (!(error instanceof ProposalError) && !(error instanceof InvalidTransferTargetError)) throw error;
    return [`${id} refused: ${error.message}`];
  }
  const st = core.status();
  return [`${id} transfer=${st.transferTarget ?? "none"}`];
}
