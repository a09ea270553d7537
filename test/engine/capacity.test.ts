import { describe, expect, it } from "vitest";
import { capacityShortfalls, replicasNeeded } from "../../src/engine/capacity.ts";

describe("capacity that follows traffic (pure)", () => {
  it("needs ⌈p/100 × blue × (1 + headroom)⌉ replicas, without floating-point overshoot", () => {
    expect(replicasNeeded(20, 50, 10)).toBe(11);
    expect(replicasNeeded(20, 5, 10)).toBe(2);
    expect(replicasNeeded(20, 100, 10)).toBe(22);
    expect(replicasNeeded(3, 10, 0)).toBe(1);
    expect(replicasNeeded(0, 100, 10)).toBe(0);
    expect(replicasNeeded(7, 33.3, 10)).toBe(3);
  });

  it("lists only workloads on both sides that are short, sorted, with the numbers", () => {
    const short = capacityShortfalls(
      { "Deployment/shop/api": 20, "Deployment/shop/web": 4, "Deployment/shop/only-blue": 9 },
      { "Deployment/shop/api": 2, "Deployment/shop/web": 3, "Deployment/shop/only-green": 1 },
      50,
      10,
    );
    expect(short).toEqual([{ workload: "Deployment/shop/api", have: 2, need: 11, blueAtStart: 20 }]);
  });
});

describe("blue below what a full rollback needs", () => {
  it("warns per shrunk workload with how many replicas are missing", async () => {
    const { rollbackShort } = await import("../../src/engine/capacity.ts");
    const found = rollbackShort(
      { "Deployment/shop/api": 20, "Deployment/shop/web": 4 },
      { "Deployment/shop/api": 5, "Deployment/shop/web": 4 },
    );
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({
      severity: "warning",
      code: "blue-capacity-short",
      subject: "Deployment/shop/api",
    });
    expect(found[0]!.message).toContain("15 fewer than the 20");
  });
});
