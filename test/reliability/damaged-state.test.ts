/** Damaged state files against every engine command: exit 4, a clear error, no traffic shift. */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyDamage, DAMAGES, expectRefused } from "./support/damage.ts";
import { recordFigure } from "./support/figures.ts";
import { setup, type Env } from "./support/harness.ts";
import { reliabilityPlan } from "./support/plans.ts";

let env: Env;
let good: string;
let statePath: string;
beforeAll(async () => {
  env = await setup(reliabilityPlan({ zones: [1, 1], bake: "0s" }));
  const r = await env.cli(["advance", env.planFile]);
  expect(r.code, r.stderr).toBe(0);
  statePath = join(env.dir, ".eks-bluegreen/rel/state.json");
  good = await readFile(statePath, "utf8");
}, 60_000);
afterAll(async () => {
  recordFigure("damaged state", "damages × commands", `${DAMAGES.length} × 8`);
  await env.close();
});

describe("a damaged state, every command", () => {
  it.each(DAMAGES)(
    "%s",
    async (...damage) => {
      await applyDamage(statePath, damage, good);
      const f = env.planFile;
      await expectRefused(env, [
        ["advance", f],
        ["run", f],
        ["rollback", f],
        ["resume", f],
        ["resume", f, "--adopt"],
        ["approve", f],
        ["status", f],
        ["history", f],
      ]);
    },
    60_000,
  );
});
