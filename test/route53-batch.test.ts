import { describe, expect, it } from "vitest";
import fc from "fast-check";
import type { ResourceRecordSet } from "@aws-sdk/client-route-53";
import { buildWeightBatches, ROUTE53_LIMITS, upsertCost } from "../src/aws/route53-batch.ts";
import { deleteBatches } from "../src/aws/route53.ts";
import type { PairReading } from "../src/engine/ports.ts";

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

/** A pair after the last shift: all traffic on green, so blue may be deleted. */
function onGreen(zoneId: string, i: number, values = 1): PairReading {
  const r = reading(zoneId, i, values);
  return { ...r, blue: { ...r.blue!, Weight: 0 }, green: { ...r.green!, Weight: 100 } };
}

describe("deleteBatches (blue's records, split by the same splitter)", () => {
  it("deletes blue's record of each pair, one batch per zone, skipping records already gone", () => {
    const gone = { ...onGreen("Z1", 9), blue: undefined };
    const batches = deleteBatches([onGreen("Z1", 1), onGreen("Z2", 2), gone, onGreen("Z1", 3)]);
    expect(batches.map((b) => [b.zoneId, b.part, b.parts, b.pairs])).toEqual([
      ["Z1", 1, 1, 2],
      ["Z2", 1, 1, 1],
    ]);
    expect(
      batches[0]!.changes.every(
        (c) => c.Action === "DELETE" && c.ResourceRecordSet?.SetIdentifier === "blue",
      ),
    ).toBe(true);
  });

  it("counts a DELETE's values once and splits only past the limits", () => {
    // 600 one-value records: as DELETEs 600 elements (one request); as UPSERTs of both records they need more.
    const many = Array.from({ length: 600 }, (_, i) => onGreen("Z1", i));
    expect(deleteBatches(many)).toHaveLength(1);
    const big = Array.from({ length: 300 }, (_, i) => onGreen("Z1", i, 4));
    const batches = deleteBatches(big);
    expect(batches.map((b) => [b.part, b.parts, b.pairs])).toEqual([
      [1, 2, 250],
      [2, 2, 50],
    ]);
  });

  it("refuses to delete blue when every other weight of the group is 0", () => {
    expect(() => deleteBatches([reading("Z1", 1)])).toThrow(/every weight of the group at 0/);
  });
});
