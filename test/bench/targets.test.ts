import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { Plan } from "../../src/plan/schema.ts";
import {
  describeCounts,
  reactionStats,
  targetsFigures,
  targetsPlan,
  writeTargetsSection,
  type TargetsResult,
} from "../../bench/targets.ts";

const steps = [
  { green: 10, bake: "1s" },
  { green: 100, bake: "1s" },
];

describe("target-kind bench plans", () => {
  it("50 listeners and 50 endpoint groups make valid plans with distinct ARNs", () => {
    for (const kind of ["listeners", "accelerators", "records"] as const) {
      const plan = Plan.parse(targetsPlan(kind, 50, steps, "1s"));
      const targets =
        kind === "listeners"
          ? plan.traffic.listeners.map((l) => l.listenerArn)
          : kind === "accelerators"
            ? plan.traffic.accelerators.map((a) => a.endpointGroupArn)
            : plan.traffic.records.map((r) => r.name);
      expect(new Set(targets).size).toBe(50);
      const others =
        plan.traffic.listeners.length + plan.traffic.accelerators.length + plan.traffic.records.length;
      expect(others).toBe(50);
    }
  });
});

const result: TargetsResult = {
  options: { counts: [1], trials: 2, parallel: 1, pollMs: 1500 },
  steps: [
    {
      kind: "listeners",
      count: 1,
      measured: { DescribeListeners: 1, ModifyListener: 1, DescribeAlarms: 1 },
      total: 3,
      tickMs: 5,
    },
  ],
  reactions: [
    { kind: "listeners", reactionMs: 1000 },
    { kind: "listeners", reactionMs: 3000 },
    { kind: "accelerators", reactionMs: undefined, error: "no rollback" },
  ],
  wallMs: 10,
};

describe("target-kind bench figures", () => {
  it("lists the kind's operations first, the rest after, and a missing rollback as a failure", () => {
    expect(describeCounts(result.steps[0]!)).toBe(
      "DescribeListeners 1, DescribeRules 0, DescribeTargetGroups 0, ModifyListener 1; other: DescribeAlarms 1",
    );
    expect(reactionStats(result, "listeners")).toMatchObject({ median: 2000, max: 3000, failed: 0 });
    const ga = reactionStats(result, "accelerators");
    expect(ga.failed).toBe(1);
    expect(ga.median).toBeNaN();
    const figure = targetsFigures(result).find((f) => f.name.startsWith("accelerators: alarm flip"))!;
    expect(figure.note).toContain("1 of 1 had no rollback");
  });

  it("replaces its own section of the doc and keeps the rest", async () => {
    const dir = await mkdtemp(join(tmpdir(), "ebg-targets-"));
    try {
      const file = pathToFileURL(join(dir, "performance.md"));
      await writeFile(file, "# Performance\n\nbefore\n");
      await writeTargetsSection(file, "<!-- targets:start -->\none\n<!-- targets:end -->");
      await writeTargetsSection(file, "<!-- targets:start -->\ntwo\n<!-- targets:end -->");
      const doc = await readFile(file, "utf8");
      expect(doc).toBe("# Performance\n\nbefore\n\n<!-- targets:start -->\ntwo\n<!-- targets:end -->\n");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("performance.md rewrites", () => {
  it("keep the marked sections the report does not generate", async () => {
    const { keepMarkedSections } = await import("../../bench/report.ts");
    const previous =
      "old\n\n<!-- model:start -->\nM\n<!-- model:end -->\n\n<!-- judgement:start -->\nJ0\n<!-- judgement:end -->\n";
    const next = "new\n\n<!-- judgement:start -->\nJ1\n<!-- judgement:end -->\n";
    const out = keepMarkedSections(next, previous);
    expect(out).toContain("<!-- model:start -->\nM\n<!-- model:end -->");
    expect(out).toContain("J1");
    expect(out).not.toContain("J0");
  });
});
