/** Ctrl-C during `run` leaves the state consistent and no lock behind, and says how to continue. */
import { spawn } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import { BIN, compressedPlan, setup, type Env } from "./harness.ts";

let env: Env | undefined;
afterEach(async () => {
  await env?.close();
  env = undefined;
});

describe("run and Ctrl-C", () => {
  it("stops on SIGINT mid-bake: exit 0, how to continue, state consistent, no lock left", async () => {
    env = await setup(
      compressedPlan({
        steps: [
          { green: 10, bake: "30s" },
          { green: 100, bake: "1s" },
        ],
      }),
    );
    const e = env;
    const child = spawn(process.execPath, [BIN, "--endpoint-url", e.sandbox.endpoint, "run", "plan.yaml"], {
      cwd: e.dir,
      env: { PATH: process.env.PATH ?? "", HOME: e.dir, USER: "tester", ...e.sandbox.env },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((done) => child.on("close", (code) => done(code)));
    const started = Date.now();
    while (!stdout.includes("baking for 30s") && Date.now() - started < 20_000) {
      await new Promise((r) => setTimeout(r, 50));
    }
    child.kill("SIGINT");
    const code = await exited;
    expect(code).toBe(0);
    expect(stderr).toMatch(/Stopped; the state is consistent \(baking at step 1\)/);
    expect(stderr).toMatch(/eks-bluegreen run plan\.yaml/);
    let r = await e.cli(["--output", "json", "status", "plan.yaml"]);
    expect(r.json).toMatchObject({ phase: "baking", step: 1, lock: null });
    r = await e.cli(["--output", "json", "history", "plan.yaml"]);
    expect(r.json.events.filter((x: { type: string }) => x.type === "shift-started")).toHaveLength(1);
  }, 60_000);
});
