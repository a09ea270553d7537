/**
 * Ten `advance` processes at the same instant on one upgrade, with local file state and with S3 state
 * on the sandbox: exactly one moves, the others exit 5 naming the holder or find nothing to do (exit 0).
 * The first tick (creating the state) is raced on both, a later one (step 1 → 2) on local state;
 * concurrency.test.ts adds the later tick on S3 and S3 state on moto.
 */
import { afterEach, describe, expect, it } from "vitest";
import { recordFigure } from "./support/figures.ts";
import { setup, type Env } from "./support/harness.ts";
import { race } from "./support/concurrency.ts";
import { reliabilityPlan } from "./support/plans.ts";
import { watchWorld } from "./support/world-log.ts";

let env: Env | undefined;
afterEach(async () => {
  await env?.close();
  env = undefined;
});

/** Step 1 bakes 0s so the second race has a step to take; step 2 bakes long so nobody takes a third. */
function racePlan(state?: { backend: "s3"; bucket: string; key: string }) {
  const plan = reliabilityPlan({ zones: [1, 1], ...(state ? { state } : {}) });
  plan.steps = [
    { green: 10, bake: "0s" },
    { green: 50, bake: "10m" },
    { green: 100, bake: "10m" },
  ];
  return plan;
}

describe.each([
  ["local file state", undefined],
  ["S3 state on the sandbox", { backend: "s3" as const, bucket: "ebg-state", key: "race/state.json" }],
])("ten advances at once, %s", (label, state) => {
  it("exactly one moves, none moves a second step", async () => {
    env = await setup(racePlan(state));
    const log = watchWorld(env.sandbox);
    const first = await race(env, log, 2);
    recordFigure("concurrency", `${label}: first tick`, first);
    if (!state) {
      const second = await race(env, log, 2);
      recordFigure("concurrency", `${label}: later tick`, second);
    }
    expect(env.sandbox.world.route53.zones().length).toBe(2);
  }, 60_000);
});
