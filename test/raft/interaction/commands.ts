/** The scenario command table: one handler (one file) per command. */
import { handleAddNodes } from "./add-nodes";
import { handleCampaign } from "./campaign";
import { handleCompact } from "./compact";
import { handleCrash } from "./crash";
import { handleCut } from "./cut";
import type { CommandArgs } from "./datadriven";
import { handleDeliverMsgs } from "./deliver-msgs";
import type { InteractionEnv } from "./env";
import { handleHeal } from "./heal";
import { handleIsolate } from "./isolate";
import { handlePartition } from "./partition";
import { handleProcessReady } from "./process-ready";
import { handlePropose } from "./propose";
import { handleRaftLog } from "./raft-log";
import { handleRestart } from "./restart";
import { handleStabilize } from "./stabilize";
import { handleStatus } from "./status";
import { handleTick } from "./tick";
import { handleTransferLeader } from "./transfer-leader";
import { handleWipe } from "./wipe";

/** CommandHandler runs one command against the env and returns its output lines. */
export type CommandHandler = (env: InteractionEnv, args: CommandArgs) => string[];

/** COMMANDS maps each command name to its handler. */
export const COMMANDS: ReadonlyMap<string, CommandHandler> = new Map<string, CommandHandler>([
  ["add-nodes", handleAddNodes],
  ["campaign", handleCampaign],
  ["compact", handleCompact],
  ["crash", handleCrash],
  ["cut", handleCut],
  ["deliver-msgs", handleDeliverMsgs],
  ["heal", handleHeal],
  ["isolate", handleIsolate],
  ["partition", handlePartition],
  ["process-ready", handleProcessReady],
  ["propose", handlePropose],
  ["raft-log", handleRaftLog],
  ["restart", handleRestart],
  ["stabilize", handleStabilize],
  ["status", handleStatus],
  ["tick", handleTick],
  ["transfer-leader", handleTransferLeader],
  ["wipe", handleWipe],
]);

/** runCommand dispatches one parsed command line. */
export function runCommand(env: InteractionEnv, args: CommandArgs): string[] {
  const handler = COMMANDS.get(args.name);
  if (handler === undefined) throw new Error(`unknown command ${args.name} (known: ${[...COMMANDS.keys()].join(", ")})`);
  return handler(env, args);
}
