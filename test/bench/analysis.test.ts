import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { resolveQueries } from "../../src/analysis/index.ts";
import { parsePlan } from "../../src/plan/load.ts";
import {
  DEFAULT_DETECTION,
  analysisFigures,
  analysisSection,
  callsPlan,
  detectionPlan,
  writeAnalysisSection,
  type AnalysisBenchResult,
} from "../../bench/analysis.ts";

describe("analysis bench plans", () => {
  it("300 metrics write out as plain YAML and send 2 queries a metric and 1 for the split, per side", () => {
    const plan = parsePlan(stringify(callsPlan(300)), "plan.yaml");
    const sides = (["blue", "green"] as const).map((s) => resolveQueries(plan.doc, s));
    const queries = sides.flatMap((s) => [...s.metrics.flatMap((m) => m.queries), ...s.split!.queries]);
    expect(queries).toHaveLength(1202);
    expect(new Set(queries.map((q) => q.Id)).size).toBe(1202);
  });

  it("the detection plan evaluates at the bench's interval and polls at its poll", () => {
    const plan = parsePlan(stringify(detectionPlan(DEFAULT_DETECTION)), "plan.yaml");
    expect(plan.doc.analysis?.interval).toBe("5000ms");
    expect(plan.doc.alarms.pollInterval).toBe("1000ms");
  });
});

const result: AnalysisBenchResult = {
  calls: [
    {
      metrics: 100,
      queries: 402,
      expectedCalls: 1,
      evaluationCalls: 1,
      evaluationQueries: 402,
      idleCalls: 0,
      splitCalls: 1,
      splitQueries: 2,
      tickMs: 5,
    },
    caseFailed(300),
  ],
  detection: {
    options: DEFAULT_DETECTION,
    trials: [{ detectionMs: 3000 }, { detectionMs: undefined, error: "no rollback" }],
    medianMs: NaN,
    maxMs: NaN,
  },
  load: { before: 1, after: 2 },
  wallMs: 10,
};

function caseFailed(metrics: number) {
  return {
    metrics,
    queries: 1202,
    expectedCalls: 3,
    evaluationCalls: NaN,
    evaluationQueries: NaN,
    idleCalls: NaN,
    splitCalls: NaN,
    splitQueries: NaN,
    tickMs: NaN,
    error: "boom",
  };
}

describe("analysis bench figures", () => {
  it("goals: ⌈queries / 500⌉ calls, 2 queries for a converging tick, interval + 1 s for detection", () => {
    const figures = analysisFigures(result);
    expect(figures.map((f) => f.goal)).toEqual([1, 3, 2, 6000, undefined]);
    expect(figures[1]).toMatchObject({ note: "failed: boom" });
    expect(figures[3]!.note).toMatch(/1 of 2 trials failed: no rollback/);
  });

  it("writes its section between the analysis markers, replacing the previous one", async () => {
    const dir = await mkdtemp(join(tmpdir(), "ebg-analysis-bench-"));
    try {
      const file = join(dir, "performance.md");
      await writeFile(file, "# Performance\n\n<!-- analysis:start -->\nold\n<!-- analysis:end -->\n\ntail\n");
      await writeAnalysisSection(pathToFileURL(file), analysisSection(result, "a machine"));
      const doc = await readFile(file, "utf8");
      expect(doc).not.toMatch(/\nold\n/);
      expect(doc.match(/<!-- analysis:start -->/g)).toHaveLength(1);
      expect(doc).toMatch(/\| 100 \| 402 \| 1 \| 1 \| 402 \| 0 \| 1 call, 2 queries \|/);
      expect(doc).toMatch(/failed \(no rollback\)/);
      expect(doc.endsWith("tail\n")).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
