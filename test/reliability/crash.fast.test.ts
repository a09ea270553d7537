/**
 * Crash matrix, fast part (runs in `npm test`): a representative subset of kill points — before and
 * after the first Route 53 change, after INSYNC, during retirement — and a kill between two hosted
 * zones' batches of one step. Each is a real SIGKILL of the built CLI; see crash.test.ts for the full matrix.
 * Load-balancer targets: a kill after a mixed plan's listeners moved (its endpoint group and records not
 * yet), and one after a listeners-only step was recorded, which has no Route 53 change id (crash-targets.test.ts
 * has their full matrix).
 */
import { describe, it } from "vitest";
import { runTrial } from "./support/matrix.ts";
import type { PlanShape } from "./support/plans.ts";
import { LISTENERS, MIXED } from "./support/targets.ts";

const MULTI_ZONE: PlanShape = {
  zones: [2, 1, 1],
  retire: { mode: "scale-to-zero", blueRecords: "delete" },
};

describe("crash matrix (subset)", () => {
  it.concurrent.each([
    ["after-intent:1", "advance"],
    ["after-apply:2", "advance-then-run"],
    ["after-insync:1", "advance"],
    ["after-retire:1", "advance-then-run"],
  ] as const)(
    "SIGKILL at %s, then %s: completes, each step once, gap-free log",
    async (at, finish) => {
      await runTrial(MULTI_ZONE, { kind: "point", at }, finish);
    },
    60_000,
  );

  it.concurrent(
    "SIGKILL between two hosted zones' batches of a step: the rest is sent once, nothing twice",
    async () => {
      await runTrial(
        MULTI_ZONE,
        { kind: "moment", moment: { kind: "before-change", nth: 5 }, label: "step 2, zone 2 of 3" },
        "advance",
      );
    },
    60_000,
  );

  it.concurrent(
    "SIGKILL after a mixed plan's listeners moved (group and records not yet): the rest once, all at one percentage",
    async () => {
      await runTrial(MIXED, { kind: "point", at: "after-apply-listeners:2" }, "advance");
    },
    60_000,
  );

  it.concurrent(
    "SIGKILL after a listeners-only step was recorded (no Route 53 change id): the next tick reads the state and goes on",
    async () => {
      await runTrial(LISTENERS, { kind: "point", at: "after-submitted:2" }, "advance-then-run");
    },
    60_000,
  );
});
