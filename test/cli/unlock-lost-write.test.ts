/**
 * Issue 10 M2 and L8: `unlock --force` never removes the lock of a holder alive on this host (unless
 * `--even-if-alive`), says "no lock" plainly, and a run whose write lost to another command says what
 * that command did, in words that fit a local file.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { PreconditionFailedError, type ToolError } from "../../src/errors.ts";
import { explainLostWrite } from "../../src/runner/lost-write.ts";
import { compilePlan } from "../../src/plan/compile.ts";
import { Plan } from "../../src/plan/schema.ts";
import { openStateStore } from "../../src/state/index.ts";
import { BIN, compressedPlan, setup, type Env } from "./harness.ts";

let env: Env | undefined;
afterEach(async () => {
  await env?.close();
  env = undefined;
});

const plan = () => compilePlan(Plan.parse(compressedPlan()), "plan.yaml");

describe("unlock --force", () => {
  it("refuses (exit 5) while the holder runs on this host and is alive; --even-if-alive removes it", async () => {
    env = await setup();
    const store = openStateStore(plan(), { cwd: env.dir });
    // The holder is this test process: on this host, and alive.
    const lease = await store.lock(
      { host: hostname(), pid: process.pid, startedAt: new Date().toISOString(), command: "run" },
      600_000,
    );
    let r = await env.cli(["--output", "json", "unlock", "plan.yaml", "--force"]);
    expect(r.code).toBe(5);
    expect(r.json.error.code).toBe("lock-holder-alive");
    expect(r.json.error.message).toContain(`pid ${process.pid} on this host`);
    expect(r.json.error.message).toMatch(/is alive/);
    expect(r.json.error.hint).toContain("--even-if-alive");
    expect((await store.readLock())?.pid).toBe(process.pid);

    r = await env.cli(["--output", "json", "unlock", "plan.yaml", "--force", "--even-if-alive"]);
    expect(r.code).toBe(0);
    expect(r.json.removed.pid).toBe(process.pid);
    expect(await store.readLock()).toBeUndefined();
    await store.unlock(lease); // the holder's release removes nothing that is not its own
  });

  it("with no lock says so, without naming the state file as if it were the lock", async () => {
    env = await setup();
    const r = await env.cli(["unlock", "plan.yaml", "--force"]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe("No lock is held on e2e: nothing to remove.");
    expect(r.stdout).not.toMatch(/state\.json/);
  });
});

describe("a write that lost to another command", () => {
  it("re-reads the state and says what the other command did; local words, exit 5", async () => {
    env = await setup();
    expect((await env.cli(["advance", "plan.yaml"])).code).toBe(0);
    const store = openStateStore(plan(), { cwd: env.dir });
    const known = JSON.parse((await store.read())!.text).events.length as number;
    // Meanwhile, from another shell:
    expect((await env.cli(["rollback", "plan.yaml", "--reason", "emergency"])).code).toBe(3);

    const lost = new PreconditionFailedError(join(env.dir, ".eks-bluegreen/e2e/state.json"), "file");
    const error = (await explainLostWrite(lost, store, plan(), known)) as ToolError;
    expect(error).toBeInstanceOf(PreconditionFailedError);
    expect(error.exitCode).toBe(5);
    expect(error.message).toMatch(/^Another run moved first: the state file .* changed under this run/);
    expect(error.message).toMatch(/Meanwhile another run recorded: .*Manual rollback by tester: emergency\./);
    expect(error.message).not.toMatch(/HTTP|412/);
    expect(error.hint).toContain("eks-bluegreen status plan.yaml");
  });
});

describe("status: the lock part", () => {
  it("shows a lock it cannot read as unreadable, never as free", async () => {
    env = await setup();
    await mkdir(join(env.dir, ".eks-bluegreen/e2e"), { recursive: true });
    await writeFile(join(env.dir, ".eks-bluegreen/e2e/lock.json"), "{ not json");
    const text = await env.cli(["status", "plan.yaml"]);
    expect(text.stdout).toMatch(/lock {5}unreadable: The lock .*lock\.json is damaged: it is not JSON/);
    expect(text.stdout).not.toMatch(/lock {5}free/);
    const json = await env.cli(["--output", "json", "status", "plan.yaml"]);
    expect(json.json.lockError.code).toBe("locked");
  });

  it.skipIf(!existsSync("/usr/bin/faketime"))(
    "shows the skew between this machine and S3 past 5 s (here an hour, under faketime)",
    async () => {
      env = await setup(
        compressedPlan({ state: { backend: "s3", bucket: "upgrade-state", key: "e2e/state.json" } }),
      );
      expect((await env.cli(["advance", "plan.yaml"])).code).toBe(0);
      const e = env;
      const run = (offset: string) =>
        new Promise<string>((done) =>
          execFile(
            "/usr/bin/faketime",
            [
              "-f",
              offset,
              process.execPath,
              BIN,
              "--endpoint-url",
              e.sandbox.endpoint,
              "status",
              "plan.yaml",
            ],
            { cwd: e.dir, env: { PATH: process.env.PATH ?? "", HOME: e.dir, ...e.sandbox.env } },
            (_error, stdout) => done(stdout),
          ),
        );
      // S3's Date header has one-second resolution, so the measured skew is the hour ±1 s.
      expect(await run("+1h")).toMatch(/clock {4}this machine's clock is 3(599|600|601) s ahead of S3's/);
      expect(await run("-1h")).toMatch(/clock {4}this machine's clock is 3(599|600|601) s behind S3's/);
      expect((await env.cli(["status", "plan.yaml"])).stdout).not.toMatch(/clock {4}/);
    },
  );
});
