/**
 * Throttling storm: the sandbox throttles 30% of all calls (every service) and adds latency to every
 * answer; `run` still completes the upgrade. The retries are counted twice: the throttled calls the
 * sandbox answered, and the retry lines the tool logs under --debug.
 */
import { afterEach, describe, expect, it } from "vitest";
import { recordFigure } from "./support/figures.ts";
import { setup, type Env } from "./support/harness.ts";
import { expectCompleted, expectEachStepOnce, expectGapFree, history } from "./support/outcome.ts";
import { reliabilityPlan, type PlanShape } from "./support/plans.ts";
import { watchWorld } from "./support/world-log.ts";

let env: Env | undefined;
afterEach(async () => {
  await env?.close();
  env = undefined;
});

const SHAPE: PlanShape = { zones: [2, 1] };

describe("throttling storm", () => {
  it("30% of calls throttled plus 25 ms latency: run completes, each step once", async () => {
    env = await setup(reliabilityPlan(SHAPE));
    const log = watchWorld(env.sandbox);
    let draws = 0;
    // A fixed sequence instead of Math.random: the same 30% of calls are throttled on every run.
    env.sandbox.faults.random = () => (((draws++ * 0.618034) % 1) + 0.5) % 1;
    env.sandbox.faults.throttle(0.3);
    env.sandbox.faults.latency(25);
    const r = await env.cli(["--debug", "run", env.planFile]);
    env.sandbox.faults.reset();
    expect(r.code, r.stderr.slice(-2000)).toBe(0);
    expect(r.stderr).not.toMatch(/\n\s+at /);

    const calls = env.sandbox.calls.filter((c) => !c.operation.startsWith("__"));
    const throttled = calls.filter((c) => c.throttled).length;
    const retryLines = (r.stderr.match(/^.*retry: /gm) ?? []).length;
    expect(throttled).toBeGreaterThan(0);
    expect(retryLines).toBeGreaterThanOrEqual(throttled);
    const h = await history(env);
    expectCompleted(env, SHAPE, h);
    expectGapFree(h);
    expectEachStepOnce(log, SHAPE, [10, 50, 100]);
    recordFigure("throttle", "calls", calls.length);
    recordFigure("throttle", "throttled (retried)", throttled);
    recordFigure("throttle", "retry lines under --debug", retryLines);
    recordFigure("throttle", "run ms", r.ms);
  }, 90_000);
});
