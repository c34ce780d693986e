/**
 * `deliver-msgs [from=<node>] [to=<node>] [type=<messageType>] [reverse=true] [drop=true]`:
 * hands the queued messages that match (all by default) to their targets, in queue order
 * (newest first with reverse=true: the network reordered them), and prints each one; with
 * drop=true they are lost instead. Messages the cores send in reply stay in their outboxes
 * until the next process-ready or stabilize.
 */
import { MessageType, type Message } from "../harness/raft";
import { boolOption, checkOptions, checkPositional } from "./args";
import type { CommandArgs } from "./datadriven";
import type { InteractionEnv } from "./env";

const MESSAGE_TYPES = new Set<string>(Object.values(MessageType));

/** handleDeliverMsgs runs `deliver-msgs`. */
export function handleDeliverMsgs(env: InteractionEnv, args: CommandArgs): string[] {
  checkPositional(args, 0, 0);
  checkOptions(args, (key) => key === "from" || key === "to" || key === "type" || key === "drop" || key === "reverse");
  const from = args.options.get("from");
  const to = args.options.get("to");
  const type = args.options.get("type");
  if (from !== undefined) env.node(from, "deliver-msgs");
  if (to !== undefined) env.node(to, "deliver-msgs");
  if (type !== undefined && !MESSAGE_TYPES.has(type)) throw new Error(`deliver-msgs: unknown message type ${type}`);
  const select = (m: Message): boolean =>
    (from === undefined || m.from === from) && (to === undefined || m.to === to) && (type === undefined || m.type === type);
  const lines = boolOption(args, "drop", false) ? env.drop(select) : env.deliver(select, true, boolOption(args, "reverse", false));
  return lines.length > 0 ? lines : ["no messages"];
}
