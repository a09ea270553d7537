/** Hostile plans, full part: ten thousand generated plans through `loadPlan`; a plan or exit 2, nothing else. */
import { describe, expect, it } from "vitest";
import { recordFigure } from "./support/figures.ts";
import { fuzzLoadPlan } from "./support/fuzz-plans.ts";

describe("hostile plans (full)", () => {
  it("10,000 generated plans: a plan or a PlanError (exit 2), never another exception", async () => {
    const figures = await fuzzLoadPlan(10_000, 20_261_125);
    expect(figures.loaded + figures.rejected).toBe(10_000);
    recordFigure("hostile plans", "generated", figures.runs);
    recordFigure("hostile plans", "loaded (valid after all)", figures.loaded);
    recordFigure("hostile plans", "rejected with exit 2", figures.rejected);
    recordFigure("hostile plans", "error codes", figures.codes);
    recordFigure("hostile plans", "ms", figures.ms);
  }, 600_000);
});
