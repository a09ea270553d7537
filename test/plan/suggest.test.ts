import { describe, expect, it } from "vitest";
import { editDistance, nearest } from "../../src/plan/suggest.ts";

describe("nearest known word", () => {
  it("counts edits, swaps as one, ignoring case", () => {
    expect(editDistance("name", "nmae")).toBe(1);
    expect(editDistance("zoneid", "zoneId")).toBe(0);
    expect(editDistance("", "abc")).toBe(3);
  });

  it("suggests typos, shortened names and case slips, but not unrelated words", () => {
    const keys = ["name", "zoneId", "zoneName", "minReadyPercent", "green", "blue"];
    expect(nearest("nmae", keys)).toBe("name");
    expect(nearest("ZoneID", keys)).toBe("zoneId");
    expect(nearest("gren", keys)).toBe("green");
    expect(nearest("minReady", keys)).toBe("minReadyPercent");
    expect(nearest("purple", keys)).toBeUndefined();
    expect(nearest("x", keys)).toBeUndefined();
  });
});
