import { describe, expect, it } from "vitest";
import { generatedPlan } from "../../bench/plan.ts";
import { parsePlan } from "../../src/plan/load.ts";
import { buildPreview } from "../../src/preview/preview.ts";

describe("the bench's generated plan", () => {
  it("is a valid plan whose preview moves every pair at every step", () => {
    const plan = parsePlan(generatedPlan(40), "bench.yaml");
    expect(plan.doc.traffic.records).toHaveLength(40);
    const preview = buildPreview(plan);
    expect(preview.summary.errors).toBe(0);
    const changes = preview.changeBatches.steps[0]!.batches.reduce((n, b) => n + b.changes.length, 0);
    expect(changes).toBe(80);
  });
});
