/** The local lock between real processes: a dead owner's lock is taken over, and of ten racers one wins. */
import { afterAll, describe, expect, it } from "vitest";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { LocalStateStore } from "../../src/state/local.ts";
import { owner } from "./contract.ts";

const FIXTURE = join(import.meta.dirname, "fixtures", "locker.ts");
const roots: string[] = [];
afterAll(async () => {
  await Promise.all(roots.map((r) => rm(r, { recursive: true, force: true })));
});

interface Locker {
  child: ChildProcess;
  next(): Promise<Record<string, unknown>>;
}

function startLocker(dir: string, mode: "die" | "race"): Locker {
  const child = spawn(process.execPath, ["--import", "tsx", FIXTURE, dir, mode], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  const queue: Record<string, unknown>[] = [];
  const waiting: ((v: Record<string, unknown>) => void)[] = [];
  createInterface({ input: child.stdout! }).on("line", (line) => {
    const value = JSON.parse(line) as Record<string, unknown>;
    const w = waiting.shift();
    if (w) w(value);
    else queue.push(value);
  });
  return {
    child,
    next: () => (queue.length ? Promise.resolve(queue.shift()!) : new Promise((r) => waiting.push(r))),
  };
}

const exited = (child: ChildProcess) =>
  new Promise<void>((resolve) => (child.exitCode !== null ? resolve() : child.once("exit", () => resolve())));

describe("local lock across real processes", () => {
  it("takes over the lock of a process that died holding it (pid gone: ESRCH)", async () => {
    const dir = join(await mkdtemp(join(tmpdir(), "ebg-proc-")), "p");
    roots.push(dir);
    const locker = startLocker(dir, "die");
    await locker.next();
    locker.child.stdin!.write("go\n");
    const result = await locker.next();
    expect(result).toMatchObject({ won: true });
    await exited(locker.child);

    const store = new LocalStateStore({ dir, planFile: "plans/race.yaml" });
    const lease = await store.lock(
      owner(process.pid, "advance", (await import("node:os")).hostname()),
      60_000,
    );
    expect(lease.tookOverFrom?.pid).toBe(locker.child.pid);
    expect(lease.tookOverFrom?.command).toBe("die");
  });

  it("of ten processes locking at the same instant exactly one wins; the others exit 5", async () => {
    const dir = join(await mkdtemp(join(tmpdir(), "ebg-proc-")), "p");
    roots.push(dir);
    const lockers = Array.from({ length: 10 }, () => startLocker(dir, "race"));
    await Promise.all(lockers.map((l) => l.next()));
    for (const l of lockers) l.child.stdin!.write("go\n");
    const results = await Promise.all(lockers.map((l) => l.next()));
    const winners = results.filter((r) => r.won === true);
    expect(winners).toHaveLength(1);
    expect(winners[0]!.tookOverFrom).toBeNull();
    for (const r of results.filter((r) => r.won !== true))
      expect(r).toMatchObject({ code: "locked", exitCode: 5 });
    const held = await new LocalStateStore({ dir, planFile: "p" }).readLock();
    expect(held?.pid).toBe(winners[0]!.pid);
    for (const l of lockers) l.child.stdin!.end();
    await Promise.all(lockers.map((l) => exited(l.child)));
    expect(await readdir(dir)).toEqual([]);
  }, 60_000);
});
