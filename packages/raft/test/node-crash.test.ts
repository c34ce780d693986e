/**
 * Crash test with real processes: the leader is killed with SIGKILL (no flush, no goodbye), a new
 * leader carries on, the killed node restarts from its directory and catches up; nothing
 * acknowledged is lost and all replicas end identical.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { afterAll, describe, expect, it } from "vitest";
import { removeDir, tempDir } from "./helpers";

const FIXTURE = join(import.meta.dirname, "fixtures", "node-process.ts");
const IDS = ["n1", "n2", "n3"];

interface Proc {
  child: ChildProcess;
  pending: Array<(line: string) => void>;
}
interface StatusReply {
  status: { role: string; leader: string | null; term: number; applied: number; commit: number };
  hash: string;
  values: string[];
}

const procs = new Map<string, Proc>();
let root = "";

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

function launch(id: string, ports: Record<string, number>): void {
  const arg = JSON.stringify({ id, members: IDS, dataDir: join(root, id), ports });
  const child = spawn(process.execPath, ["--import", "tsx", FIXTURE, arg], { stdio: ["pipe", "pipe", "inherit"] });
  const proc: Proc = { child, pending: [] };
  createInterface({ input: child.stdout! }).on("line", (line) => proc.pending.shift()?.(line));
  procs.set(id, proc);
}

function ask<T>(id: string, cmd: unknown): Promise<T> {
  const proc = procs.get(id)!;
  return new Promise((resolve) => {
    proc.pending.push((line) => resolve(JSON.parse(line) as T));
    proc.child.stdin!.write(`${JSON.stringify(cmd)}\n`);
  });
}

async function leaderOf(ids: string[]): Promise<string> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const replies = await Promise.all(ids.map((id) => ask<StatusReply>(id, { cmd: "status" })));
    const leaders = replies.filter((r) => r.status.role === "leader");
    if (leaders.length === 1 && replies.every((r) => r.status.leader === replies[0]!.status.leader)) {
      return ids[replies.indexOf(leaders[0]!)]!;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error("no leader among child processes");
}

afterAll(async () => {
  for (const proc of procs.values()) proc.child.kill("SIGKILL");
  if (root !== "") await removeDir(root);
});

describe("raft node - SIGKILL with child processes", () => {
  it("a SIGKILLed leader is replaced, restarts from disk, and no acknowledged entry is lost", async () => {
    root = await tempDir("crash");
    const ports: Record<string, number> = {};
    for (const id of IDS) ports[id] = await freePort();
    for (const id of IDS) launch(id, ports);
    const first = await leaderOf(IDS);
    const before = await ask<{ acked: Array<[string, number]>; errors: string[] }>(first, { cmd: "propose", prefix: "a", count: 300 });
    expect(before.errors).toEqual([]);
    expect(before.acked).toHaveLength(300);

    procs.get(first)!.child.kill("SIGKILL");
    await new Promise((resolve) => procs.get(first)!.child.once("exit", resolve));
    const survivors = IDS.filter((id) => id !== first);
    const second = await leaderOf(survivors);
    expect(second).not.toBe(first);
    const after = await ask<{ acked: Array<[string, number]>; errors: string[] }>(second, { cmd: "propose", prefix: "b", count: 300 });
    expect(after.errors).toEqual([]);

    launch(first, ports);
    const lastIndex = Math.max(...after.acked.map(([, index]) => index));
    let replies: StatusReply[] = [];
    const deadline = Date.now() + 20_000;
    do {
      replies = await Promise.all(IDS.map((id) => ask<StatusReply>(id, { cmd: "status" })));
      if (replies.every((r) => r.status.applied >= lastIndex)) break;
      await new Promise((r) => setTimeout(r, 50));
    } while (Date.now() < deadline);
    expect(replies.map((r) => r.status.applied >= lastIndex)).toEqual([true, true, true]);
    expect(new Set(replies.map((r) => r.hash)).size).toBe(1);
    for (const r of replies) {
      const values = new Set(r.values);
      for (const [value] of [...before.acked, ...after.acked]) expect(values.has(value)).toBe(true);
    }
  });
});
