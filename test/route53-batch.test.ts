import { describe, expect, it } from "vitest";
import fc from "fast-check";
import type { ResourceRecordSet } from "@aws-sdk/client-route-53";
import { buildWeightBatches, ROUTE53_LIMITS, upsertCost } from "../src/aws/route53-batch.ts";
import type { PairReading } from "../src/aws/ports.ts";

function reading(zoneId: string, i: number, values = 1): PairReading {
  const rec = (set: string, weight: number): ResourceRecordSet => ({
    Name: `r${i}.example.com.`,
    Type: "A",
    SetIdentifier: set,
    Weight: weight,
    TTL: 60,
    HealthCheckId: set === "blue" ? "hc-1" : undefined,
    ResourceRecords: Array.from({ length: values }, (_, v) => ({ Value: `10.0.${i % 250}.${v}` })),
  });
  return {
    pair: { zoneId, name: `r${i}.example.com`, type: "A", blue: "blue", green: "green" },
    zoneId,
    blue: rec("blue", 100),
    green: rec("green", 0),
    others: [],
  };
}

describe("buildWeightBatches", () => {
  it("changes only the weight of each record and keeps every other field", () => {
    const [batch] = buildWeightBatches([reading("Z1", 1)], 25);
    expect(batch!.changes).toHaveLength(2);
    const [blue, green] = batch!.changes.map((c) => c.ResourceRecordSet!);
    expect(blue).toMatchObject({ SetIdentifier: "blue", Weight: 75, TTL: 60, HealthCheckId: "hc-1" });
    expect(green).toMatchObject({ SetIdentifier: "green", Weight: 25, TTL: 60 });
    expect(batch!.changes.every((c) => c.Action === "UPSERT")).toBe(true);
  });

  it("sends one batch per hosted zone", () => {
    const batches = buildWeightBatches([reading("Z1", 1), reading("Z2", 2), reading("Z1", 3)], 50);
    expect(batches.map((b) => [b.zoneId, b.pairs])).toEqual([
      ["Z1", 2],
      ["Z2", 1],
    ]);
  });

  it("splits only past Route 53's limits and never separates a pair", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 700 }), fc.integer({ min: 1, max: 4 }), (pairs, values) => {
        const readings = Array.from({ length: pairs }, (_, i) => reading("Z1", i, values));
        const batches = buildWeightBatches(readings, 10);
        const totalCost = readings.length * 2 * upsertCost(readings[0]!.blue!).elements;
        const minimum = Math.ceil(totalCost / ROUTE53_LIMITS.maxRecordElements);
        expect(batches.length).toBeGreaterThanOrEqual(minimum);
        expect(batches.length).toBeLessThanOrEqual(minimum + 1);
        for (const b of batches) {
          const elements = b.changes.reduce((s, c) => s + upsertCost(c.ResourceRecordSet!).elements, 0);
          expect(elements).toBeLessThanOrEqual(ROUTE53_LIMITS.maxRecordElements);
          expect(b.changes.length).toBe(b.pairs * 2);
        }
        expect(batches.reduce((s, b) => s + b.pairs, 0)).toBe(pairs);
      }),
      { numRuns: 50 },
    );
  });

  it("refuses a reading with a missing record", () => {
    const r = { ...reading("Z1", 1), green: undefined };
    expect(() => buildWeightBatches([r], 10)).toThrow(/not complete/);
  });
});
