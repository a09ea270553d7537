import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { newState, type UpgradeState } from "../../src/engine/state.ts";
import type { PlanReading } from "../../src/fleet/read.ts";
import { fleetRow, needsPerson, rowsText } from "../../src/fleet/rows.ts";
import { parsePlan } from "../../src/plan/load.ts";
import { fleetPlan } from "./support.ts";

const plan = parsePlan(stringify(fleetPlan("dev")), "dev.yaml");
const fp = { name: "dev", ref: "dev.yaml", file: "dev.yaml", wave: 0, plan };
const T = "2026-01-01T00:00:00.000Z";

function reading(patch: Partial<UpgradeState>): PlanReading {
  const state = { ...newState(plan, new Date(T)), ...patch } as UpgradeState;
  return {
    plan: fp,
    state,
    location: "file .eks-bluegreen/dev/state.json",
    summary: { kind: "started", phase: state.phase, step: state.step, green: state.writtenGreen },
  };
}
const move = { plan: "dev", wave: "dev", kind: "move" as const };

describe("fleet rows", () => {
  it("say what each phase waits for, on whom, and since when", () => {
    const cases: [Partial<UpgradeState>, string | null, string | null, string | null][] = [
      [
        { phase: "baking", step: 1, writtenGreen: 10, bakeStartedAt: "2026-01-01T01:00:00.000Z" },
        "bake",
        "time",
        "2026-01-01T01:00:00.000Z",
      ],
      [{ phase: "awaiting-approval", step: 1, writtenGreen: 10 }, "approval", "person", T],
      [
        { phase: "holding", step: 2, writtenGreen: 100, fullSince: "2026-01-01T02:00:00.000Z" },
        "retire-wait",
        "time",
        "2026-01-01T02:00:00.000Z",
      ],
      [{ phase: "waiting-to-retire", step: 2, writtenGreen: 100 }, "retire-approval", "person", T],
      [{ phase: "rolled-back", step: 1, writtenGreen: 0 }, "restart", "person", T],
      [{ phase: "completed", step: 2, writtenGreen: 100 }, null, null, T],
      [
        {
          phase: "paused",
          step: 1,
          writtenGreen: 10,
          pause: { code: "drift", reason: "someone", resumeTo: "baking", since: "2026-01-01T03:00:00.000Z" },
        },
        "resume",
        "person",
        "2026-01-01T03:00:00.000Z",
      ],
    ];
    for (const [patch, what, on, since] of cases) {
      const row = fleetRow(reading(patch), move);
      expect([row.phase, row.waitingFor?.what ?? null, row.waitingFor?.on ?? null, row.since]).toEqual([
        patch.phase,
        what,
        on,
        since,
      ]);
    }
    // A running upgrade's row carries its state's reason code (a paused one, the pause's).
    const baking = reading({
      ...cases[0]![0],
      reason: { code: "baking", step: 1, green: 10, until: "2026-01-01T01:05:00.000Z" },
    });
    expect(fleetRow(baking, move).reasonCode).toBe("baking");
    const paused = fleetRow(reading(cases[6]![0]), move);
    expect(paused).toMatchObject({
      reasonCode: "drift",
      reason: "someone",
      waitingFor: { detail: "drift" },
      weights: { blue: 90, green: 10 },
    });
  });

  it("not started, held, damaged; exit 4 only when a row waits on a person", () => {
    const pending = fleetRow({ plan: fp, summary: { kind: "not-started" }, location: "x" }, move);
    expect(pending).toMatchObject({
      phase: "pending",
      waitingFor: { what: "first-tick", on: "scheduler" },
      since: null,
    });
    const held = fleetRow(
      { plan: fp, summary: { kind: "not-started" }, location: "x" },
      {
        plan: "dev",
        wave: "prod",
        kind: "hold",
        hold: { code: "earlier-wave-running", wave: "staging", plans: ["s"] },
      },
    );
    expect(held).toMatchObject({
      reasonCode: "earlier-wave-running",
      waitingFor: { on: "time", detail: "staging" },
    });
    const damaged = fleetRow(
      { plan: fp, summary: { kind: "damaged", code: "state-damaged", message: "bad" }, location: "x" },
      move,
    );
    expect(damaged).toMatchObject({
      phase: "damaged",
      weights: null,
      reason: "bad",
      waitingFor: { on: "person" },
    });
    expect(needsPerson([pending, held])).toBe(false);
    expect(needsPerson([pending, damaged])).toBe(true);
    expect(rowsText([pending, damaged])[2]).toMatch(
      /^dev\s+dev\s+damaged\s+0\/2\s+\?\s+repair\s+person\s+-\s+bad$/,
    );
  });
});
