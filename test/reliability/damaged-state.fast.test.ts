/**
 * Damaged state files (truncated, unknown version, another plan's, impossible values, binary, empty,
 * a directory): `advance` and `rollback` exit 4 with a clear error and never shift traffic.
 * damaged-state.test.ts runs every engine command against each.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyDamage, DAMAGES, expectRefused, upgradeAtStep1 } from "./support/damage.ts";
import type { Env } from "./support/harness.ts";
import { liveWeights } from "./support/outcome.ts";

let env: Env;
let good: string;
let statePath: string;
beforeAll(async () => {
  ({ env, statePath, good } = await upgradeAtStep1());
}, 60_000);
afterAll(async () => env.close());

describe("a damaged state never shifts traffic", () => {
  it.each(DAMAGES)(
    "%s: advance and rollback exit 4",
    async (...damage) => {
      await applyDamage(statePath, damage, good);
      await expectRefused(env, [
        ["advance", env.planFile],
        ["rollback", env.planFile],
      ]);
      expect([...liveWeights(env, { zones: [1, 1] }).values()]).toEqual([
        { blue: 90, green: 10 },
        { blue: 90, green: 10 },
      ]);
    },
    30_000,
  );
});
