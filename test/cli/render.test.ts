/** What `run` shows: a redrawn block on a terminal, plain timestamped lines otherwise. */
import { describe, expect, it } from "vitest";
import { recordingOutput } from "../../src/cli/output.ts";
import { LiveView } from "../../src/cli/render/live.ts";
import { statusText } from "../../src/cli/render/text.ts";
import type { Observation } from "../../src/engine/observation.ts";
import { newState, type UpgradeState } from "../../src/engine/state.ts";
import { testPlan } from "../support/fake-world.ts";

const plan = testPlan();
const now = () => new Date("2026-03-02T10:00:30Z");

function baking(): UpgradeState {
  const s = newState(plan, new Date("2026-03-02T10:00:00Z"));
  return { ...s, phase: "baking", step: 2, writtenGreen: 50, bakeStartedAt: "2026-03-02T10:00:00.000Z" };
}

describe("live view", () => {
  it("on a terminal draws step, weights with a bar, the bake countdown, the next step and redraws in place", () => {
    const out = recordingOutput();
    const view = new LiveView(out, plan, now, true);
    view.update(baking(), undefined, "Baking step 2 (50% green): 30s left.");
    const block = out.lines.map((l) => l.text).join("\n");
    expect(block).toMatch(/step\s+2\/3 \(50% green\)/);
    expect(block).toMatch(/blue\s+50%.*green 50%/);
    expect(block).toMatch(/bake\s+30s left of 60s/);
    view.refresh();
    expect(out.lines.some((l) => l.text.includes("\u001b[7A"))).toBe(true);
  });

  it("otherwise prints one timestamped line per event and per change of reason, not per countdown", () => {
    const out = recordingOutput();
    const view = new LiveView(out, plan, now, false);
    view.event({
      seq: 7,
      at: "2026-03-02T10:00:00.000Z",
      type: "in-sync",
      from: "shifting",
      to: "baking",
      step: 2,
      message: "INSYNC",
    });
    view.update(baking(), undefined, "Baking step 2 (50% green): 30s left.");
    view.update(baking(), undefined, "Baking step 2 (50% green): 20s left.");
    view.refresh();
    const lines = out.lines.map((l) => l.text);
    expect(lines).toEqual([
      "2026-03-02 10:00:00Z #7 in-sync [shifting → baking] INSYNC",
      "2026-03-02 10:00:30Z Baking step 2 (50% green): 30s left.",
    ]);
    expect(lines.join("").includes("\u001b")).toBe(false);
  });
});

describe("status text", () => {
  it("lists each pair only where they differ, and the lock holder", () => {
    const state = { ...baking(), writtenGreen: 50 };
    const pairs = (www: number): Observation => ({
      traffic: {
        ok: true as const,
        value: [
          {
            pair: { name: "api", type: "A", blue: "b", green: "g" },
            zoneId: "Z",
            blue: { Name: "n", Type: "A", Weight: 50 },
            green: { Name: "n", Type: "A", Weight: 50 },
            others: [],
          },
          {
            pair: { name: "www", type: "A", blue: "b", green: "g" },
            zoneId: "Z",
            blue: { Name: "n", Type: "A", Weight: 100 - www },
            green: { Name: "n", Type: "A", Weight: www },
            others: [],
          },
        ],
      },
      alarms: { ok: true as const, value: { alarms: [], missing: [], history: [] } },
      green: { ok: false as const, error: "n/a" },
    });
    const lock = {
      host: "ci",
      pid: 7,
      startedAt: "2026-03-02T10:00:00Z",
      command: "advance",
      leaseUntil: "2026-03-02T10:05:00Z",
    };
    const same = statusText({
      plan,
      state,
      observation: pairs(50),
      lock: undefined,
      reason: "r",
      location: "x",
    });
    expect(same.join("\n")).not.toMatch(/www A:/);
    const differ = statusText({ plan, state, observation: pairs(70), lock, reason: "r", location: "x" });
    expect(differ.join("\n")).toMatch(/www A: blue 30 \/ green 70/);
    expect(differ.join("\n")).toMatch(/held by advance \(pid 7 on ci/);
  });
});
