/** The metric-analysis lines of `status` and the live view (render/status-analysis.ts). */
import { describe, expect, it } from "vitest";
import { statusAnalysisJson, statusAnalysisText } from "../../src/cli/render/status-analysis.ts";
import { newState } from "../../src/engine/state.ts";
import { testPlan } from "../support/fake-world.ts";

const plan = testPlan({
  analysis: {
    metrics: [
      {
        name: "p99",
        queries: [{ id: "v", metricStat: { namespace: "N", metricName: "M" } }],
        threshold: { max: 1 },
      },
    ],
    split: { queries: [{ id: "r", metricStat: { namespace: "N", metricName: "R" } }] },
  },
});

describe("status: metric analysis", () => {
  it("shows written against observed, and each metric's last verdict with both sides", () => {
    const at = "2026-03-02T10:00:00.000Z";
    const state = {
      ...newState(plan, new Date(at)),
      step: 2,
      analysis: {
        step: 2,
        observedSplit: { green: 22, target: 30, tolerance: 7.5, at },
        last: { p99: { verdict: "fail" as const, reason: "above-threshold", at, green: 1.234, blue: 0.5 } },
      },
    };
    expect(statusAnalysisText(plan, state)).toEqual([
      "  split    written 30% / observed 22% (±7.5 points)",
      "  metric   p99: fail (above-threshold), green 1.23, blue 0.5",
    ]);
    const json = statusAnalysisJson(plan, state);
    expect(json.observedSplit).toMatchObject({
      green: 22,
      target: 30,
      source: "cloudwatch",
      converged: false,
    });
    expect(json.analysis).toEqual([
      expect.objectContaining({ name: "p99", verdict: "fail", green: 1.234, blue: 0.5 }),
    ]);
  });

  it("is null and empty without analysis, or before anything was read", () => {
    expect(statusAnalysisJson(testPlan(), undefined)).toEqual({ observedSplit: null, analysis: [] });
    expect(statusAnalysisJson(plan, newState(plan, new Date()))).toEqual({
      observedSplit: null,
      analysis: [],
    });
    expect(statusAnalysisText(plan, undefined)).toEqual([]);
  });
});
