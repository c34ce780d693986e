/** `pnpm sim`: argument parsing, the summary line, replay commands and one exit code per failure class. */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseSimArgs, replayCommand, runOptionsOf, UsageError } from "./args";
import { Mutation } from "./cluster";

const CLI_PATH = fileURLToPath(new URL("./cli.ts", import.meta.url));

function runCli(args: readonly string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ["--import", "tsx", CLI_PATH, ...args], { encoding: "utf8" });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("parseSimArgs", () => {
  it("reads --seeds alone as seeds 1..N, --seed alone as that one seed, both as S..S+N-1", () => {
    expect(parseSimArgs(["--seeds", "500"])).toEqual({ seedFirst: 1, seedCount: 500, verbose: false, marks: false, mutation: null, safetyTicks: null, leaderChurn: false });
    expect(parseSimArgs(["--seed", "1234"])).toEqual({ seedFirst: 1234, seedCount: 1, verbose: false, marks: false, mutation: null, safetyTicks: null, leaderChurn: false });
    expect(parseSimArgs(["--", "--seeds", "3", "--seed", "7", "--verbose"])).toEqual({
      seedFirst: 7,
      seedCount: 3,
      verbose: true,
      marks: false,
      mutation: null,
      safetyTicks: null,
      leaderChurn: false,
    });
    expect(parseSimArgs(["--seed", "3", "--safety-ticks", "2000"]).safetyTicks).toBe(2000);
    expect(parseSimArgs(["--seed", "0", "--mutation", "fsyncLies"]).mutation).toBe(Mutation.FsyncLies);
  });

  it("refuses bad command lines with a precise message", () => {
    expect(() => parseSimArgs([])).toThrow(new UsageError("give --seeds N and/or --seed S"));
    expect(() => parseSimArgs(["--seeds", "0"])).toThrow(new UsageError("--seeds must be an integer >= 1, got 0"));
    expect(() => parseSimArgs(["--seeds", "-3"])).toThrow(new UsageError("--seeds needs a non-negative integer, got -3"));
    expect(() => parseSimArgs(["--seed"])).toThrow(new UsageError("--seed needs a non-negative integer, got nothing"));
    expect(() => parseSimArgs(["--seeds", "2", "--fast"])).toThrow(new UsageError("unknown argument --fast"));
    expect(() => parseSimArgs(["--seed", "1", "--mutation", "gremlins"])).toThrow(
      new UsageError("--mutation must be one of fsyncLies, sendsBeforeSync, neverHeals, corruptsEntries, got gremlins"),
    );
  });

  it("prints a replay command that parses back to the same seed and mutation", () => {
    expect(replayCommand(1234, { mutation: null, safetyTicks: null })).toBe("pnpm sim --seed 1234");
    const args = { mutation: Mutation.SendsBeforeSync, safetyTicks: 900 };
    expect(replayCommand(9, args)).toBe("pnpm sim --seed 9 --safety-ticks 900 --mutation sendsBeforeSync");
    const parsed = parseSimArgs(replayCommand(9, args).split(" ").slice(2));
    expect([parsed.seedFirst, parsed.seedCount, parsed.mutation, parsed.safetyTicks]).toEqual([9, 1, Mutation.SendsBeforeSync, 900]);
    expect(runOptionsOf(parsed)).toEqual({ mutation: Mutation.SendsBeforeSync, safetyTicks: { min: 900, max: 900 } });
    expect(runOptionsOf({ mutation: null, safetyTicks: null })).toEqual({});
    const churn = parseSimArgs(["--seed", "5", "--leader-churn"]);
    expect(churn.leaderChurn).toBe(true);
    expect(replayCommand(5, churn)).toBe("pnpm sim --seed 5 --leader-churn");
    expect(runOptionsOf(churn)).toEqual({ leaderChurn: true });
  });
});

describe("sim CLI", () => {
  it("prints the summary line and exits 0 when every seed passes", () => {
    const { status, stdout } = runCli(["--seeds", "2", "--seed", "40"]);
    expect(status).toBe(0);
    expect(stdout).toMatch(/^sim: seeds=2 steps=\d+ elections=\d+ commits=\d+ violations=0\n$/);
  });

  it("prints the coverage marks before the summary with --marks", () => {
    const { status, stdout } = runCli(["--seed", "40", "--marks"]);
    expect(status).toBe(0);
    expect(stdout).toMatch(/^mark event becameLeader: \d+$/m);
    expect(stdout).toMatch(/^mark propose accepted: \d+$/m);
    expect(stdout).toMatch(/\nsim: seeds=1 steps=\d+ elections=\d+ commits=\d+ violations=0\n$/);
  });

  it("exits 2 on a safety violation and prints the replay command of each failing seed", () => {
    const { status, stdout } = runCli(["--seeds", "2", "--seed", "10", "--mutation", "sendsBeforeSync"]);
    expect(status).toBe(2);
    expect(stdout).toContain("seed 10: safety failure after ");
    expect(stdout).toContain("durable before sent: ");
    expect(stdout).toContain("  replay: pnpm sim --seed 10 --mutation sendsBeforeSync\n");
    expect(stdout).toContain("  replay: pnpm sim --seed 11 --mutation sendsBeforeSync\n");
    expect(stdout).toMatch(/\nsim: seeds=2 steps=\d+ elections=\d+ commits=\d+ violations=2\n$/);
  });

  it("exits 3 on a liveness failure", () => {
    const { status, stdout } = runCli(["--seed", "1", "--mutation", "neverHeals"]);
    expect(status).toBe(3);
    expect(stdout).toContain("seed 1: liveness failure after ");
    expect(stdout).toContain("  replay: pnpm sim --seed 1 --mutation neverHeals\n");
  });

  it("exits 64 with the usage on a bad command line", () => {
    const { status, stdout, stderr } = runCli(["--seeds"]);
    expect(status).toBe(64);
    expect(stdout).toBe("");
    expect(stderr).toContain("sim: --seeds needs a non-negative integer, got nothing\nusage: pnpm sim --seeds N");
  });
});
