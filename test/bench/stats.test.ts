import { describe, expect, it } from "vitest";
import { formatMb, formatMs, max, median, percentile } from "../../bench/lib/stats.ts";
import { goalText, verdict } from "../../bench/report.ts";

describe("bench statistics", () => {
  it("takes medians of unsorted samples, odd and even", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });

  it("takes maxima and nearest-rank percentiles", () => {
    expect(max([1, 9, 3])).toBe(9);
    expect(percentile([5, 1, 4, 2, 3], 50)).toBe(3);
    expect(percentile([5, 1, 4, 2, 3], 100)).toBe(5);
    expect(percentile([5, 1, 4, 2, 3], 0)).toBe(1);
  });

  it("formats durations and sizes", () => {
    expect(formatMs(250.4)).toBe("250 ms");
    expect(formatMs(2345)).toBe("2.35 s");
    expect(formatMs(600_000)).toBe("10.0 min");
    expect(formatMs(NaN)).toBe("n/a");
    expect(formatMb(200 * 1024 * 1024)).toBe("200 MB");
  });
});

describe("figure verdicts", () => {
  it("passes at most `goal` and at least `atLeast`", () => {
    expect(verdict({ name: "x", value: 250, unit: "ms", goal: 250 })).toBe("ok");
    expect(verdict({ name: "x", value: 251, unit: "ms", goal: 250 })).toBe("MISSED");
    expect(verdict({ name: "x", value: 20, unit: "count", atLeast: 20 })).toBe("ok");
    expect(verdict({ name: "x", value: 19, unit: "count", atLeast: 20 })).toBe("MISSED");
    expect(verdict({ name: "x", value: 19, unit: "count" })).toBe("");
    expect(verdict({ name: "x", value: NaN, unit: "ms", goal: 1 })).toBe("MISSED");
  });

  it("writes the goal the right way round", () => {
    expect(goalText({ name: "x", value: 1, unit: "ms", goal: 3000 })).toBe("≤ 3.00 s");
    expect(goalText({ name: "x", value: 1, unit: "count", atLeast: 50 })).toBe("≥ 50");
  });
});
