/**
 * Hostile plans, fast part: a few hundred generated plans through `loadPlan` in-process, and a handful
 * through the built CLI. Every one either loads or fails as a ToolError with exit 2 (never another
 * exception, never a stack trace), and the CLI never sends a Route 53 change for one.
 * hostile-plans.test.ts runs ten thousand.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { setup, type Env } from "./support/harness.ts";
import { BOMB_PLAN } from "./support/hostile-plans.ts";
import { fuzzLoadPlan } from "./support/fuzz-plans.ts";
import { reliabilityPlan } from "./support/plans.ts";
import { recordFigure } from "./support/figures.ts";

describe("hostile plans", () => {
  it("300 generated plans: a plan or a PlanError (exit 2), nothing else", async () => {
    const figures = await fuzzLoadPlan(300, 6_001);
    recordFigure("hostile plans", "fast part: generated / loaded / rejected", [
      300,
      figures.loaded,
      figures.rejected,
    ]);
    expect(figures.loaded + figures.rejected).toBe(300);
    expect(figures.rejected).toBeGreaterThan(0);
  }, 60_000);

  describe("through the CLI", () => {
    let env: Env;
    beforeAll(async () => {
      env = await setup(reliabilityPlan({ zones: [1] }));
    });
    afterAll(async () => env.close());

    const cases: [string, string | Buffer | "dir"][] = [
      ["binary garbage", Buffer.from([0, 159, 146, 150, 255, 0, 1, 2, 0x1b, 0x5b])],
      ["an alias bomb", BOMB_PLAN],
      ["5,000 nested brackets", `${"[".repeat(5000)}${"]".repeat(5000)}`],
      ["wrong types everywhere", "apiVersion: 1\nmetadata: []\nsteps: {green: x}\n"],
      ["an empty file", ""],
      ["a directory", "dir"],
    ];
    it.each(cases)(
      "%s: exit 2, one clear error, no stack trace, no change",
      async (_label, content) => {
        const file = `hostile-${Math.random().toString(36).slice(2)}.yaml`;
        if (content === "dir") await mkdir(join(env.dir, file));
        else await writeFile(join(env.dir, file), content);
        for (const args of [
          ["advance", file],
          ["--output", "json", "run", file],
        ]) {
          const r = await env.cli(args);
          expect(r.code, r.stdout + r.stderr).toBe(2);
          expect(r.stderr + r.stdout).not.toMatch(/\n\s+at |Error: .*\n.*node:internal/);
          if (args.includes("json")) expect(r.json.error.code).toMatch(/plan/);
          else expect(r.stderr).toMatch(/plan|YAML|file/i);
        }
        expect(env.sandbox.calls.filter((c) => c.operation === "ChangeResourceRecordSets")).toEqual([]);
      },
      30_000,
    );
  });
});
