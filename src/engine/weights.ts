/**
 * Live weights as the engine sees them (DESIGN.md "Weights"): green's share is green ÷ (blue + green) in
 * percent; before the first shift a pair with green at 0 and blue above 0 is "all on blue".
 */
import type { PairReading } from "../aws/ports.ts";
import type { PairWeights } from "./state.ts";

export function pairLabel(r: PairReading): string {
  return `${r.pair.name} ${r.pair.type}`;
}

export function readWeights(readings: readonly PairReading[]): PairWeights[] {
  return readings.map((r) => {
    const blue = r.blue?.Weight ?? null;
    const green = r.green?.Weight ?? null;
    const sum = (blue ?? 0) + (green ?? 0);
    const percent = blue === null || green === null || sum === 0 ? null : (green / sum) * 100;
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
