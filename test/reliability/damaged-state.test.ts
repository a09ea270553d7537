/** Damaged state files against every engine command: exit 4, a clear error, no traffic shift. */
import { afterAll, beforeAll, describe, it } from "vitest";
import { applyDamage, DAMAGES, expectRefused, upgradeAtStep1 } from "./support/damage.ts";
import { recordFigure } from "./support/figures.ts";
import type { Env } from "./support/harness.ts";

let env: Env;
let good: string;
let statePath: string;
beforeAll(async () => {
  ({ env, statePath, good } = await upgradeAtStep1());
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
