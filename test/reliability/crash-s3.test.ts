/**
 * Crash trials with the state in S3 (on the sandbox): the S3 lock object a killed run leaves behind is
 * taken over (its owner on this host is dead), and the upgrade ends as with local state.
 */
import { describe, expect, it } from "vitest";
import { recordFigure } from "./support/figures.ts";
import { runTrial } from "./support/matrix.ts";
import type { PlanShape } from "./support/plans.ts";

const S3_STATE: PlanShape = {
  name: "s3crash",
  zones: [2, 1, 1],
  retire: { mode: "scale-to-zero", blueRecords: "delete" },
  state: { backend: "s3", bucket: "ebg-state", key: "crash/state.json" },
};

describe("crash trials with S3 state", () => {
  it("kills after the lock, an intent, an apply, before unlocking, after retiring and between zones: all complete", async () => {
    const outcomes = [];
    for (const at of [
      "after-lock:2",
      "after-intent:2",
      "after-apply:3",
      "before-unlock:1",
      "after-retire:1",
    ]) {
      outcomes.push(await runTrial(S3_STATE, { kind: "point", at }, "advance"));
    }
    outcomes.push(
      await runTrial(
        S3_STATE,
        { kind: "moment", moment: { kind: "before-change", nth: 8 }, label: "step 3, zone 2 of 3" },
        "advance-then-run",
      ),
    );
    expect(outcomes).toHaveLength(6);
    recordFigure("crash", "S3 state: points tried", outcomes.length);
  }, 300_000);
});
