/**
 * The full crash matrix (`npm run test:reliability`): every crash point a clean run reaches, each
 * occurrence of it (`point:N`), on a plan over three hosted zones, and on a plan whose 600 pairs in one
 * zone make Route 53 split a step into three requests; plus kills from the server side between every
 * two batches of a step, during the INSYNC wait and mid-retirement.
 */
import { describe, expect, it } from "vitest";
import { CRASH_POINTS } from "../../src/runner/crash-points.ts";
import { recordFigure } from "./support/figures.ts";
import { runTrial, tracePoints, type Trial, type TrialOutcome } from "./support/matrix.ts";
import type { PlanShape } from "./support/plans.ts";

const MULTI_ZONE: PlanShape = {
  zones: [2, 1, 1],
  retire: { mode: "scale-to-zero", blueRecords: "delete" },
};
/** 600 pairs in zone 0 (3 requests a step: 1,000 ResourceRecord elements a request, UPSERT counting twice) and 1 in zone 1. */
const SPLIT: PlanShape = { name: "split", zones: [600, 1] };

const outcomes: TrialOutcome[] = [];

async function matrix(shape: PlanShape, label: string, extra: Trial[]): Promise<void> {
  const points = await tracePoints(shape);
  expect(points.length).toBeGreaterThan(10);
  if (shape.retire?.blueRecords === "delete") {
    // This plan goes through every kind of boundary a plan of record pairs has: each such named crash
    // point must be reached (the load balancer points: crash-targets.test.ts).
    const recordPoints = CRASH_POINTS.filter(
      (p) => p !== "after-apply-listeners" && p !== "after-apply-endpoint-groups",
    );
    expect(new Set(points.map((p) => p.split(":")[0]))).toEqual(new Set(recordPoints));
  }
  const trials: Trial[] = [...points.map((at) => ({ kind: "point", at }) as const), ...extra];
  const failures: string[] = [];
  let i = 0;
  for (const trial of trials) {
    try {
      outcomes.push(await runTrial(shape, trial, i++ % 2 === 0 ? "advance" : "advance-then-run"));
    } catch (error) {
      failures.push(`${trial.kind === "point" ? trial.at : trial.label}: ${String(error).slice(0, 300)}`);
    }
  }
  recordFigure("crash", `${label}: crash points traced (point:N)`, points.length);
  recordFigure("crash", `${label}: server-side kill moments`, extra.length);
  recordFigure("crash", `${label}: points tried`, trials.length);
  recordFigure("crash", `${label}: failed`, failures.length);
  recordFigure(
    "crash",
    `${label}: mean ms per trial`,
    Math.round(outcomes.reduce((s, o) => s + o.ms, 0) / Math.max(1, outcomes.length)),
  );
  expect(failures).toEqual([]);
}

const between = (from: number, to: number, perStep: number): Trial[] =>
  Array.from({ length: to - from + 1 }, (_, k) => {
    const nth = from + k;
    return {
      kind: "moment",
      moment: { kind: "before-change", nth },
      label: `before ChangeResourceRecordSets #${nth} (step ${Math.ceil(nth / perStep)})`,
    } as const;
  }).filter((t) => (t.moment.nth - 1) % perStep !== 0);

describe("crash matrix (full)", () => {
  it("three hosted zones: every point and every boundary between zones", async () => {
    await matrix(MULTI_ZONE, "3 zones", [
      ...between(1, 9, 3),
      { kind: "moment", moment: { kind: "insync-pending", nth: 1 }, label: "during the INSYNC wait" },
      { kind: "moment", moment: { kind: "retire-call", nth: 1 }, label: "mid-retirement (scale-to-zero)" },
    ]);
  }, 900_000);

  it("600 pairs in one zone (split batches): every point and every boundary between batches", async () => {
    await matrix(SPLIT, "600 pairs", [...between(1, 12, 4)]);
  }, 900_000);
});
