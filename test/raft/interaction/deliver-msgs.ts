/**
 * `deliver-msgs [from=<node>] [to=<node>] [type=<messageType>] [drop=true]`: hands the queued
 * messages that match (all by default) to their targets, in queue order, and prints each one;
 * with drop=true they are lost instead. Messages the cores send in reply stay in their outboxes
 * until the next process-ready or stabilize.
 */
import { MessageType, type Message } from "../harness/raft";
import { boolOption, checkOptions, checkPositional } from "./args";
import type { CommandArgs } from "./datadriven";
import type { InteractionEnv } from "./env";
import { formatMessage } from "./format";

const MESSAGE_TYPES = new Set<string>(Object.values(MessageType));

/** handleDeliverMsgs runs `deliver-msgs`. */
export function handleDeliverMsgs(env: InteractionEnv, args: CommandArgs): string[] {
  checkPositional(args, 0, 0);
  checkOptions(args, (key) => key === "from" || key === "to" || key === "type" || key === "drop");
  const from = args.options.get("from");
  const to = args.options.get("to");
  const type = args.options.get("type");
  if (from !== undefined) env.node(from, "deliver-msgs");
  if (to !== undefined) env.node(to, "deliver-msgs");
  if (type !== undefined && !MESSAGE_TYPES.has(type)) throw new Error(`deliver-msgs: unknown message type ${type}`);
  const select = (m: Message): boolean =>
    (from === undefined || m.from === from) && (to === undefined || m.to === to) && (type === undefined || m.type === type);
  if (boolOption(args, "drop", false)) return dropMatching(env, select);
  const lines = env.deliver(select, true);
  return lines.length > 0 ? lines : ["no messages"];
}

function dropMatching(env: InteractionEnv, select: (m: Message) => boolean): string[] {
  const lines: string[] = [];
  let position = 0;
  // Bounded: each iteration removes a message or moves past one.
  while (position < env.net.queue.length) {
    const message = env.net.queue[position];
    if (message === undefined || !select(message)) {
      position += 1;
      continue;
    }
    env.net.dropAt(position);
    lines.push(`dropped ${formatMessage(message)}`);
  }
  return lines.length > 0 ? lines : ["no messages"];
}
