/**
 * CI-style use: state in S3 shared by runners with different working directories, and a tick killed
 * with SIGKILL mid-way (EKS_BLUEGREEN_CRASH_AT) that the next tick resumes without repeating the step.
 */
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { compressedPlan, setup, type Env } from "./harness.ts";

let env: Env | undefined;
afterEach(async () => {
  await env?.close();
  env = undefined;
});

const s3Plan = () =>
  compressedPlan({ state: { backend: "s3", bucket: "upgrade-state", key: "e2e/state.json" } });

describe("S3 state and crashes", () => {
  it("two runners in different directories share one upgrade through S3", async () => {
    env = await setup(s3Plan());
    let r = await env.cli(["--output", "json", "advance", "plan.yaml"]);
    expect(r.code).toBe(0);
    expect(r.json.step).toBe(1);
    const other = await mkdtemp(join(tmpdir(), "ebg-runner-"));
    const { copyFile } = await import("node:fs/promises");
    await copyFile(join(env.dir, "plan.yaml"), join(other, "plan.yaml"));
    await new Promise((done) => setTimeout(done, 1100));
    r = await env.cli(["--output", "json", "advance", join(other, "plan.yaml")]);
    expect(r.code).toBe(0);
    expect(r.json.step).toBe(2);
    expect(env.sandbox.world.s3.keys("upgrade-state")).toContain("e2e/state.json");
    expect(
      JSON.parse(env.sandbox.world.s3.get("upgrade-state", "e2e/state.json")!.body.toString()).step,
    ).toBe(2);
  });

  it("a tick killed right after Route 53 accepted the change does not repeat the step", async () => {
    env = await setup();
    const killed = await env.cli(["advance", "plan.yaml"], { EKS_BLUEGREEN_CRASH_AT: "after-apply" });
    expect(killed.code).not.toBe(0);
    const r = await env.cli(["--output", "json", "advance", "plan.yaml"]);
    expect(r.code).toBe(0);
    expect(r.json).toMatchObject({ phase: "baking", step: 1 });
    const types = r.json.events.map((e: { type: string }) => e.type);
    expect(types).toContain("lock-takeover");
    expect(types).toContain("reconciled");
    const changes = env.sandbox.calls.filter((c) => c.operation === "ChangeResourceRecordSets");
    expect(changes).toHaveLength(1);
  });
});
