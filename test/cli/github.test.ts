/**
 * GitHub Actions through the built CLI: `advance`, `run` and `status` append a Markdown summary to
 * $GITHUB_STEP_SUMMARY; rollbacks print `::error`, pauses `::warning`; action.yml is a composite action
 * whose advance step passes the exit code through and sets the outputs `phase` and `exit-code`.
 */
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parse } from "yaml";
import { afterEach, describe, expect, it } from "vitest";
import { compressedPlan, ROOT, setup, type Env } from "./harness.ts";

let env: Env | undefined;
afterEach(async () => {
  await env?.close();
  env = undefined;
});

describe("GITHUB_STEP_SUMMARY and workflow commands", () => {
  it("advance and status append a summary; a rollback prints ::error", async () => {
    env = await setup();
    const summary = join(env.dir, "summary.md");
    await writeFile(summary, "");
    const gh = { GITHUB_STEP_SUMMARY: summary, GITHUB_ACTIONS: "true" };
    let r = await env.cli(["advance", "plan.yaml"], gh);
    expect(r.code).toBe(0);
    let text = await readFile(summary, "utf8");
    expect(text).toContain("### eks-bluegreen `advance`: e2e");
    expect(text).toContain("**Phase:** `baking` · **step** 1 · **green written** 10%");
    expect(text).toContain("| api.example.com A | 90 | 10 | 10% |");
    expect(text).toContain("| shop-5xx | 🟢 OK |");
    expect(text).toMatch(/- `#\d+` \*\*in-sync\*\*/);
    expect(r.stdout).not.toContain("::error");

    env.sandbox.world.cloudwatch.setAlarmState("shop-5xx", "ALARM", "5xx above 1%");
    r = await env.cli(["advance", "plan.yaml"], gh);
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/^::error title=e2e%3A rollback-started::Rolling back to blue/m);
    expect(r.stdout).toMatch(/^::error title=e2e%3A rolled-back::/m);
    text = await readFile(summary, "utf8");
    expect(text).toContain("**Phase:** `rolled-back`");
    expect(text).toContain("| shop-5xx | 🔴 ALARM |");
    expect(text).toMatch(/\*\*Next:\*\* All traffic goes back to blue/);

    r = await env.cli(["status", "plan.yaml"], gh);
    expect(r.stdout).toMatch(/^::error title=e2e%3A rolled-back::/m);
    text = await readFile(summary, "utf8");
    expect(text.match(/### eks-bluegreen/g)).toHaveLength(3);
    expect(text).toContain("### eks-bluegreen `status`: e2e");

    // JSON mode keeps stdout one document; the summary is still written.
    r = await env.cli(["--output", "json", "status", "plan.yaml"], gh);
    expect(r.json.phase).toBe("rolled-back");
    expect((await readFile(summary, "utf8")).match(/### eks-bluegreen/g)).toHaveLength(4);
  });

  it("run with rollback.automatic false pauses and prints ::warning; no variable, no summary", async () => {
    env = await setup(compressedPlan({ rollback: { automatic: false, holdTimeout: "1s" } }));
    const summary = join(env.dir, "summary.md");
    await env.cli(["advance", "plan.yaml"]); // not in Actions: nothing written
    await expect(readFile(summary, "utf8")).rejects.toThrow();
    env.sandbox.world.cloudwatch.setAlarmState("shop-5xx", "ALARM", "5xx above 1%");
    const r = await env.cli(["run", "plan.yaml"], { GITHUB_STEP_SUMMARY: summary });
    expect(r.code).toBe(4);
    expect(r.stdout).toMatch(/^::warning title=e2e%3A paused::Green failed/m);
    const text = await readFile(summary, "utf8");
    expect(text).toContain("### eks-bluegreen `run`: e2e");
    expect(text).toContain("**Phase:** `paused`");
    expect(text).toContain("eks-bluegreen resume plan.yaml");
  });
});

describe("action.yml", () => {
  const action = parse(readFileSync(join(ROOT, "action.yml"), "utf8"));
  const step = action.runs.steps.find((s: { id?: string }) => s.id === "advance");

  it("is a composite action with plan/args inputs and phase/exit-code outputs", () => {
    expect(action.runs.using).toBe("composite");
    expect(action.inputs.plan.required).toBe(true);
    expect(action.inputs.args.default).toBe("");
    expect(action.outputs.phase.value).toBe("${{ steps.advance.outputs.phase }}");
    expect(action.outputs["exit-code"].value).toBe("${{ steps.advance.outputs.exit-code }}");
    expect(step.run).toContain("advance");
    expect(step.env).toEqual({ PLAN: "${{ inputs.plan }}", ARGS: "${{ inputs.args }}" });
  });

  it("its advance step passes the exit code through and writes the outputs", async () => {
    env = await setup();
    const e = env;
    const outputs = join(e.dir, "outputs.txt");
    await writeFile(outputs, "");
    const runStep = (args: string) =>
      new Promise<number>((done) => {
        execFile(
          "bash",
          ["-e", "-c", step.run],
          {
            cwd: e.dir,
            env: {
              PATH: process.env.PATH ?? "",
              HOME: e.dir,
              ...e.sandbox.env,
              GITHUB_ACTIONS: "true",
              GITHUB_ACTION_PATH: ROOT,
              GITHUB_OUTPUT: outputs,
              PLAN: "plan.yaml",
              ARGS: args,
            },
          },
          (error) => done(error ? (typeof error.code === "number" ? error.code : 1) : 0),
        );
      });
    expect(await runStep("")).toBe(0);
    expect(await readFile(outputs, "utf8")).toBe("phase=baking\nexit-code=0\n");
    e.sandbox.world.cloudwatch.setAlarmState("shop-5xx", "ALARM", "5xx above 1%");
    await writeFile(outputs, "");
    expect(await runStep("--debug")).toBe(3);
    expect(await readFile(outputs, "utf8")).toBe("phase=rolled-back\nexit-code=3\n");
  });
});
