/**
 * Live weights as the engine sees them (DESIGN.md "Weights"): green's share is green ÷ (blue + green) in
 * percent; before the first shift a pair with green at 0 and blue above 0 is "all on blue".
 */
import type { PairReading } from "./ports.ts";
import type { PairWeights } from "./state.ts";

export function pairLabel(r: PairReading): string {
  return `${r.pair.name} ${r.pair.type}`;
}

/** Green's share in percent: green ÷ (blue + green); undefined when a weight is unknown or both are 0. */
export function liveGreenPercent(
  blueWeight: number | undefined,
  greenWeight: number | undefined,
): number | undefined {
  if (blueWeight === undefined || greenWeight === undefined) return undefined;
  const total = blueWeight + greenWeight;
  if (total === 0) return undefined;
  return (greenWeight / total) * 100;
}

export function readWeights(readings: readonly PairReading[]): PairWeights[] {
  return readings.map((r) => {
    const blue = r.blue?.Weight ?? null;
    const green = r.green?.Weight ?? null;
    const percent = liveGreenPercent(blue ?? undefined, green ?? undefined) ?? null;
    return { name: pairLabel(r), blue, green, percent };
  });
}

const EPSILON = 1e-9;

/** Pairs whose live share differs from `expectedGreen` percent (all pairs move together). */
export function differingPairs(weights: readonly PairWeights[], expectedGreen: number): PairWeights[] {
  return weights.filter((w) => w.percent === null || Math.abs(w.percent - expectedGreen) > EPSILON);
}

/** The one percent every pair is at, or undefined when they disagree or one cannot be read. */
export function uniformPercent(weights: readonly PairWeights[]): number | undefined {
  const first = weights[0]?.percent;
  if (first === null || first === undefined) return undefined;
  return weights.every((w) => w.percent !== null && Math.abs(w.percent - first) <= EPSILON)
    ? first
    : undefined;
}

/** Percent of traffic on blue and green as one figure for status: the first pair, rounded to 0.1. */
export function summaryWeights(weights: readonly PairWeights[]): { blue: number; green: number } | undefined {
  const p = weights[0]?.percent;
  if (p === null || p === undefined) return undefined;
  const green = Math.round(p * 10) / 10;
  return { blue: Math.round((100 - green) * 10) / 10, green };
}

export function describeWeights(weights: readonly PairWeights[]): string {
  return weights
    .map((w) => `${w.name}: blue ${w.blue ?? "missing"} / green ${w.green ?? "missing"}`)
    .join(", ");
}
