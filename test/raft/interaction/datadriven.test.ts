/** The scenario language itself: file parsing, rewriting, and precise errors for bad input. */
import { describe, expect, it } from "vitest";
import { runCommand } from "./commands";
import { formatScenario, parseCommandLine, parseScenario } from "./datadriven";
import { InteractionEnv } from "./env";

const run = (env: InteractionEnv, line: string): string[] => runCommand(env, parseCommandLine(line));

describe("scenario file format", () => {
  it("parses comments, commands and outputs, and writes them back byte for byte", () => {
    const text = "# a comment\n#\n# more\ncampaign n1\n----\nn1 candidate term=1\n\nstatus n1\n----\nline 1\nline 2\n";
    const commands = parseScenario(text, "t.txt");
    expect(commands).toEqual([
      { comments: ["# a comment", "#", "# more"], line: "campaign n1", lineNumber: 4, expected: ["n1 candidate term=1"] },
      { comments: [], line: "status n1", lineNumber: 8, expected: ["line 1", "line 2"] },
    ]);
    expect(formatScenario(commands, commands.map((c) => c.expected))).toBe(text);
  });

  it("writes an empty output as ok and refuses an output with a blank line", () => {
    const commands = parseScenario("heal\n----\n", "t.txt");
    expect(formatScenario(commands, [[]])).toBe("heal\n----\nok\n");
    expect(() => formatScenario(commands, [["a", "", "b"]])).toThrow('output of "heal" contains a blank line');
  });

  it("a command without its ---- line names the file and line", () => {
    expect(() => parseScenario("# c\n\nstabilize\nstatus\n----\n", "x.txt")).toThrow(
      'x.txt:3: command "stabilize" must be followed by a ---- line',
    );
  });

  it("splits positional arguments from key=value options", () => {
    expect(parseCommandLine("  deliver-msgs  from=n1 to=n2  extra ")).toEqual({
      name: "deliver-msgs",
      positional: ["extra"],
      options: new Map([
        ["from", "n1"],
        ["to", "n2"],
      ]),
    });
  });
});

describe("scenario commands refuse bad input precisely", () => {
  it("unknown commands, options, nodes and values", () => {
    const env = new InteractionEnv();
    expect(() => run(env, "status")).toThrow("no cluster: run add-nodes first");
    expect(() => run(env, "add-nodes 3 pre-vote=maybe")).toThrow("add-nodes: pre-vote=maybe is not true or false");
    expect(() => run(env, "add-nodes 3 n1.log=1,x")).toThrow("add-nodes: n1.log=1,x has a bad term x");
    expect(() => run(env, "add-nodes 0")).toThrow("add-nodes: bad node count 0");
    expect(run(env, "add-nodes 2")).toEqual([
      "n1 follower term=0 vote=none leader=none commit=0 applied=0 first=1 last=0",
      "n2 follower term=0 vote=none leader=none commit=0 applied=0 first=1 last=0",
    ]);
    expect(() => run(env, "add-nodes 2")).toThrow("add-nodes: the cluster already exists");
    expect(() => run(env, "elect n1")).toThrow("unknown command elect (known: add-nodes, campaign,");
    expect(() => run(env, "campaign n9")).toThrow("campaign: unknown node n9 (nodes: n1 n2)");
    expect(() => run(env, "campaign")).toThrow("campaign: expected 1 arguments, got 0");
    expect(() => run(env, "tick count=-1")).toThrow("tick: count=-1 is not a count");
    expect(() => run(env, "stabilize fast=true")).toThrow("stabilize: unknown option fast");
    expect(() => run(env, "deliver-msgs type=ping")).toThrow("deliver-msgs: unknown message type ping");
    expect(() => run(env, "partition n1")).toThrow("partition: expected 2..9 arguments, got 1");
    expect(() => run(env, "partition n1 n1")).toThrow("partition: every node must be in exactly one group (missing: n2)");
    expect(() => run(env, "cut n1 n1")).toThrow("cut: a node cannot be cut from itself");
    expect(() => run(env, "restart n1")).toThrow("restart: n1 is running");
  });

  it("typed refusals are printed as output, and a crashed node refuses commands", () => {
    const env = new InteractionEnv();
    run(env, "add-nodes 3");
    expect(run(env, "propose n1 x")).toEqual(["n1 refused not_leader retryable=true: not the leader (leader hint: none)"]);
    expect(run(env, "transfer-leader n1 n2")).toEqual(["n1 refused: not the leader (leader hint: none)"]);
    expect(run(env, "crash n2")).toEqual(["n2 down"]);
    expect(() => run(env, "crash n2")).toThrow("crash: n2 is already down");
    expect(() => run(env, "campaign n2")).toThrow("campaign: n2 is down");
    expect(run(env, "status n2")).toEqual(["n2 down"]);
    expect(run(env, "deliver-msgs")).toEqual(["no messages"]);
  });
});
