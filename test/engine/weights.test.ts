import { describe, expect, it } from "vitest";
import { liveGreenPercent, readWeights } from "../../src/engine/weights.ts";
import type { PairReading } from "../../src/engine/ports.ts";

function reading(blue: number | undefined, green: number | undefined): PairReading {
  return {
    pair: { name: "app.example.com.", type: "A", blue: "blue", green: "green" },
    zoneId: "Z1",
    blue:
      blue === undefined
        ? undefined
        : { Name: "app.example.com.", Type: "A", SetIdentifier: "blue", Weight: blue },
    green:
      green === undefined
        ? undefined
        : { Name: "app.example.com.", Type: "A", SetIdentifier: "green", Weight: green },
    others: [],
  } as PairReading;
}

describe("green's live percent (one formula for preflight and the engine)", () => {
  it("reads live weights as green ÷ (blue + green)", () => {
    expect(liveGreenPercent(75, 25)).toBe(25);
    expect(liveGreenPercent(0, 0)).toBeUndefined();
    expect(liveGreenPercent(3, 1)).toBe(25);
    expect(liveGreenPercent(undefined, 1)).toBeUndefined();
  });

  it("readWeights reports the same percent, null where it is unknown", () => {
    expect(readWeights([reading(3, 1)])[0]!.percent).toBe(25);
    expect(readWeights([reading(0, 0)])[0]!.percent).toBeNull();
    expect(readWeights([reading(10, undefined)])[0]!.percent).toBeNull();
    expect(readWeights([reading(0, 5)])[0]!.percent).toBe(100);
  });
});
