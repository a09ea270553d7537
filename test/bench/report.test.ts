import { describe, expect, it } from "vitest";
import { performanceDoc } from "../../bench/report.ts";
import { economyFigures, type EconomyCase } from "../../bench/economy.ts";
import { expectedStepCalls, baselineStepCalls, type StepShape } from "../../bench/lib/economy-formula.ts";
import type { Machine } from "../../bench/lib/machine.ts";

const machine: Machine = {
  cores: 2,
  cpuModel: "Test CPU",
  memoryGb: 4,
  node: "v20.0.0",
  platform: "linux-x64",
  loadAverage: 1,
  date: "2026-01-01T00:00:00.000Z",
};

const shape: StepShape = { pairs: 1000, zones: 3, alarms: 300, nodegroups: 1, addons: 2, insights: false };

function measuredCase(measured: Record<string, number>): EconomyCase {
  const expected = expectedStepCalls(shape);
  return {
    shape,
    measured,
    expected,
    baseline: baselineStepCalls(shape),
    mismatches: Object.keys({ ...measured, ...expected })
      .filter((op) => measured[op] !== expected[op])
      .map((operation) => ({
        operation,
        measured: measured[operation] ?? 0,
        expected: expected[operation] ?? 0,
      })),
    tickMs: 10,
  };
}

describe("docs/performance.md", () => {
  it("names the machine and survives a run with no detailed results", () => {
    const doc = performanceDoc(machine, [], {}, 1234);
    expect(doc).toContain("2 cores, Test CPU");
    expect(doc).toContain("Node v20.0.0");
    expect(doc).toContain("2026-01-01");
  });

  it("states the ratio to the one-pair-a-call script and flags counts that leave the model", () => {
    const good = measuredCase(expectedStepCalls(shape));
    const doc = performanceDoc(machine, [], { economy: [good] }, 1);
    expect(doc).toContain("30 calls a step, the script 3300: 110× fewer");
    const bad = measuredCase({ ...expectedStepCalls(shape), ListResourceRecordSets: 1000 });
    expect(performanceDoc(machine, [], { economy: [bad] }, 1)).toContain("1000 (model 9)");
    const [figure] = economyFigures([bad]);
    expect(figure!.note).toContain("DIFFERS from model: ListResourceRecordSets 1000 vs 9");
    expect(figure!.value).toBeGreaterThan(figure!.goal!);
  });

  it("reports a failed case instead of throwing", () => {
    const failed: EconomyCase = { ...measuredCase({}), measured: {}, mismatches: [], error: "boom" };
    expect(performanceDoc(machine, [], { economy: [failed] }, 1)).toContain("failed: boom");
    expect(economyFigures([failed])[0]!.note).toBe("failed: boom");
  });
});
