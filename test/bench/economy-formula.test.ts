import { describe, expect, it } from "vitest";
import {
  baselineStepCalls,
  differences,
  expectedStepCalls,
  insyncRounds,
  pairsPerBatch,
  pairsPerZone,
  route53Calls,
  secondsUnderRateLimit,
  totalCalls,
  type StepShape,
} from "../../bench/lib/economy-formula.ts";

const shape = (pairs: number, zones: number, alarms: number): StepShape => ({
  pairs,
  zones,
  alarms,
  nodegroups: 1,
  addons: 2,
  insights: false,
});

describe("API-economy model", () => {
  it("deals pairs round-robin and drops empty zones", () => {
    expect(pairsPerZone(1000, 3)).toEqual([334, 333, 333]);
    expect(pairsPerZone(1, 3)).toEqual([1]);
    expect(pairsPerZone(10, 1)).toEqual([10]);
  });

  it("fits 250 single-value pairs in a batch: 2 records, UPSERT counting each value twice", () => {
    expect(pairsPerBatch(1)).toBe(250);
    expect(pairsPerBatch(4)).toBe(62);
  });

  it("gives the largest plan 9 pages, 6 batches, 3 alarm calls, 1 history page and 5 EKS calls", () => {
    expect(expectedStepCalls(shape(1000, 3, 300))).toEqual({
      ListResourceRecordSets: 9, // ⌈(668 + 2) / 300⌉ = 3 per zone
      ChangeResourceRecordSets: 6, // ⌈334 / 250⌉ = 2 per zone
      GetChange: 6,
      DescribeAlarms: 3,
      DescribeAlarmHistory: 1,
      DescribeCluster: 1,
      DescribeNodegroup: 1,
      ListFargateProfiles: 1,
      DescribeAddon: 2,
    });
  });

  it("lists a zone holding a single pair in one page, from its name", () => {
    expect(expectedStepCalls(shape(1, 3, 10))["ListResourceRecordSets"]).toBe(1);
    expect(expectedStepCalls(shape(2, 1, 10))["ListResourceRecordSets"]).toBe(1);
    expect(expectedStepCalls(shape(149, 1, 10))["ListResourceRecordSets"]).toBe(1); // 298 + 2 = 300
    expect(expectedStepCalls(shape(150, 1, 10))["ListResourceRecordSets"]).toBe(2);
  });

  it("never grows with one call per record", () => {
    const small = totalCalls(expectedStepCalls(shape(10, 1, 10)));
    const large = totalCalls(expectedStepCalls(shape(1000, 1, 10)));
    expect(large - small).toBeLessThan(20);
  });

  it("counts GetChange per batch per polling round, and history pages of 100", () => {
    const calls = expectedStepCalls({ ...shape(1000, 3, 300), insyncRounds: 13, historyItems: 250 });
    expect(calls["GetChange"]).toBe(78);
    expect(calls["DescribeAlarmHistory"]).toBe(3);
    expect(expectedStepCalls({ ...shape(10, 1, 0) })["DescribeAlarms"]).toBeUndefined();
    expect(expectedStepCalls({ ...shape(10, 1, 10), insights: true })["ListInsights"]).toBe(1);
  });

  it("charges the shell-script way three Route 53 calls a pair and one DescribeAlarms an alarm", () => {
    const script = baselineStepCalls(shape(1000, 3, 300));
    expect(totalCalls(script)).toBe(3300);
    expect(route53Calls(script)).toBe(3000);
    expect(totalCalls(script) / totalCalls(expectedStepCalls(shape(1000, 3, 300)))).toBeGreaterThanOrEqual(
      50,
    );
  });

  it("rounds GetChange polling as the adapter does: at once, then 0.5 s ×1.5 up to 10 s", () => {
    expect(insyncRounds(0)).toBe(1);
    expect(insyncRounds(500)).toBe(2);
    expect(insyncRounds(501)).toBe(3);
    expect(insyncRounds(60_000)).toBe(13);
  });

  it("spends a token bucket: 5 a second flat, or 10 a second after a burst of 50", () => {
    expect(secondsUnderRateLimit(3000, 5)).toBe(600);
    expect(secondsUnderRateLimit(3000, 10, 50)).toBe(295);
    expect(secondsUnderRateLimit(21, 10, 50)).toBe(0);
  });

  it("lists differences both ways", () => {
    expect(differences({ A: 1, B: 2 }, { B: 3, C: 1 })).toEqual([
      { operation: "A", measured: 1, expected: 0 },
      { operation: "B", measured: 2, expected: 3 },
      { operation: "C", measured: 0, expected: 1 },
    ]);
    expect(differences({ A: 1 }, { A: 1 })).toEqual([]);
  });
});
