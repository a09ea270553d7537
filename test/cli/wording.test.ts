/**
 * Messages that sent the operator the wrong way (issue 10 L8): an empty `--by`, a damaged state shown as
 * "pending 0/3", a missing plan file told to "fix the fields above", and a documented command line that
 * does not parse. The built CLI against the sandbox.
 */
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ROOT, setup, type Env } from "./harness.ts";

let env: Env | undefined;
afterEach(async () => {
  await env?.close();
  env = undefined;
});

describe("approve --by", () => {
  it("an empty --by is named as the problem, not $USER (exit 2)", async () => {
    env = await setup();
    await env.cli(["advance", env.planFile]);
    for (const by of ["", "   "]) {
      const text = await env.cli(["approve", "plan.yaml", "--by", by]);
      expect(text.code).toBe(2);
      expect(text.stderr).toMatch(/^error: --by is empty/);
      expect(text.stderr).not.toMatch(/\$USER is not set/);
      const json = await env.cli(["--output", "json", "approve", "plan.yaml", "--by", by]);
      expect(json.code).toBe(2);
      expect(json.json.error).toMatchObject({
        code: "usage",
        message: expect.stringMatching(/--by is empty/),
      });
    }
  });
});

describe("status of a damaged state", () => {
  it("shows the phase as damaged with the reason, not pending 0/3 (exit 4)", async () => {
    env = await setup();
    expect((await env.cli(["advance", env.planFile])).code).toBe(0);
    const statePath = join(env.dir, ".eks-bluegreen/e2e/state.json");
    const good = await readFile(statePath, "utf8");
    await writeFile(statePath, good.slice(0, Math.floor(good.length / 2)));
    const text = await env.cli(["status", "plan.yaml"]);
    expect(text.code).toBe(4);
    expect(text.stdout).toMatch(/^ {2}phase {4}damaged \(state-damaged\)$/m);
    expect(text.stdout).toMatch(/^ {2}step {5}unknown: the state cannot be used$/m);
    expect(text.stdout).toMatch(/^ {2}reason {3}The state file .* is not valid JSON.*Restore the file/m);
    expect(text.stdout).not.toMatch(/pending|0\/3/);
    const json = await env.cli(["--output", "json", "status", "plan.yaml"]);
    expect(json.code).toBe(4);
    expect(json.json).toMatchObject({ phase: "damaged", error: { code: "state-damaged" } });
  });
});

describe("a plan file that does not exist", () => {
  it("says the file does not exist and how to give a path, not 'Fix the fields above' (exit 2)", async () => {
    env = await setup();
    const text = await env.cli(["status", "no-such-plan.yaml"]);
    expect(text.code).toBe(2);
    expect(text.stderr).toMatch(
      /^error: The plan file no-such-plan\.yaml does not exist \(looked for .*no-such-plan\.yaml\)/,
    );
    expect(text.stderr).toMatch(/^hint: Give the path of a plan YAML file/m);
    expect(text.stderr).not.toMatch(/Fix the fields above/);
    const json = await env.cli(["--output", "json", "status", "no-such-plan.yaml"]);
    expect(json.code).toBe(2);
    expect(json.json.error.message).toMatch(/does not exist/);
    expect(json.json.error.hint).not.toMatch(/Fix the fields above/);
  });
});

describe("documented command lines", () => {
  it("every `sandbox` command in the docs names its plan with --plan (it takes no argument)", async () => {
    const files = ["README.md", ...(await readdir(join(ROOT, "docs"))).map((f) => `docs/${f}`)];
    const wrong: string[] = [];
    for (const file of files.filter((f) => f.endsWith(".md"))) {
      const lines = (await readFile(join(ROOT, file), "utf8")).split("\n");
      lines.forEach((line, i) => {
        if (/(eks-bluegreen|eks-bluegreen\.js) sandbox\s+[^-\s]/.test(line))
          wrong.push(`${file}:${i + 1}: ${line}`);
      });
    }
    expect(wrong).toEqual([]);
  });
});
