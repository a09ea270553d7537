/**
 * The crash matrix over load-balancer targets (`npm run test:reliability`): every crash point a clean
 * run reaches, each occurrence (`point:N`), on a plan of ALB listeners and a listener rule, on a plan of
 * Global Accelerator endpoint groups, and on a plan mixing record pairs, a listener and an endpoint
 * group; plus kills from the server side before each listener / endpoint group write that is not the
 * first of its step. After each kill the upgrade is continued with `advance` (and `run`) and must
 * complete with each step written once per target and every target at one percentage at rest.
 */
import { describe, expect, it } from "vitest";
import type { CrashPoint } from "../../src/runner/crash-points.ts";
import { recordFigure } from "./support/figures.ts";
import { runTrial, tracePoints, type Trial, type TrialOutcome } from "./support/matrix.ts";
import type { PlanShape } from "./support/plans.ts";
import { ENDPOINT_GROUPS, LISTENERS, MIXED } from "./support/targets.ts";

const outcomes: TrialOutcome[] = [];

async function matrix(
  shape: PlanShape,
  label: string,
  expected: CrashPoint[],
  extra: Trial[],
): Promise<void> {
  const points = await tracePoints(shape);
  // Each named point this kind of plan passes is reached (and so tried below).
  const reached = new Set(points.map((p) => p.split(":")[0]));
  expect(expected.filter((p) => !reached.has(p))).toEqual([]);
  const trials: Trial[] = [...points.map((at) => ({ kind: "point", at }) as const), ...extra];
  const failures: string[] = [];
  const mine: TrialOutcome[] = [];
  let i = 0;
  for (const trial of trials) {
    try {
      mine.push(await runTrial(shape, trial, i++ % 2 === 0 ? "advance" : "advance-then-run"));
    } catch (error) {
      failures.push(`${trial.kind === "point" ? trial.at : trial.label}: ${String(error).slice(0, 400)}`);
    }
  }
  outcomes.push(...mine);
  recordFigure("crash-targets", `${label}: crash points traced (point:N)`, points.length);
  recordFigure("crash-targets", `${label}: server-side kill moments`, extra.length);
  recordFigure("crash-targets", `${label}: points tried`, trials.length);
  recordFigure("crash-targets", `${label}: passed`, trials.length - failures.length);
  recordFigure("crash-targets", `${label}: failed`, failures.length);
  recordFigure(
    "crash-targets",
    `${label}: load-balancer writes per step`,
    mine[0]?.targetWritesPerStep ?? [],
  );
  recordFigure(
    "crash-targets",
    `${label}: mean ms per trial`,
    Math.round(mine.reduce((s, o) => s + o.ms, 0) / Math.max(1, mine.length)),
  );
  expect(failures).toEqual([]);
}

/** Server-side kills before the N-th load-balancer write, for every N that is not the first of its step. */
const beforeWrites = (perStep: number, steps = 3): Trial[] =>
  Array.from({ length: perStep * steps }, (_, k) => k + 1)
    .filter((nth) => (nth - 1) % perStep !== 0)
    .map((nth) => ({
      kind: "moment",
      moment: { kind: "before-target-write", nth },
      label: `before load-balancer write #${nth} (step ${Math.ceil(nth / perStep)})`,
    }));

const GENERIC: CrashPoint[] = [
  "after-lock",
  "after-intent",
  "after-apply",
  "after-submitted",
  "after-write",
  "before-unlock",
];

describe("crash matrix over load-balancer targets (full)", () => {
  it("ALB listeners and a rule: every point, and between two listener writes of a step", async () => {
    await matrix(LISTENERS, "2 listeners + 1 rule", [...GENERIC, "after-apply-listeners"], beforeWrites(3));
  }, 1_800_000);

  it("Global Accelerator endpoint groups: every point, and between two group writes of a step", async () => {
    await matrix(
      ENDPOINT_GROUPS,
      "2 endpoint groups",
      [...GENERIC, "after-apply-endpoint-groups"],
      beforeWrites(2),
    );
  }, 1_800_000);

  it("records + a listener + an endpoint group: every point, between kinds, mid-retirement", async () => {
    await matrix(
      MIXED,
      "records + listener + endpoint group",
      [
        ...GENERIC,
        "after-apply-listeners",
        "after-apply-endpoint-groups",
        "after-insync",
        "after-retire",
        "after-delete-records",
      ],
      [
        ...beforeWrites(2),
        { kind: "moment", moment: { kind: "before-change", nth: 2 }, label: "step 1, between the two zones" },
        { kind: "moment", moment: { kind: "retire-call", nth: 1 }, label: "mid-retirement (scale-to-zero)" },
      ],
    );
  }, 1_800_000);
});
