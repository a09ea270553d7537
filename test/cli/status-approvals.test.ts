/** `status` shows a lapsed approval as expired, in text and JSON (issue 10 L3); fields are added, none renamed. */
import { describe, expect, it } from "vitest";
import { statusJson, statusText, type StatusInput } from "../../src/cli/render/text.ts";
import { newState, type UpgradeState } from "../../src/engine/state.ts";
import { testPlan } from "../support/fake-world.ts";

const plan = testPlan({
  steps: [
    { green: 10, bake: "1m" },
    { green: 100, approval: true, bake: "1m" },
  ],
  approvals: { expireAfter: "5m" },
});

function waiting(): UpgradeState {
  const s = newState(plan, new Date("2026-03-02T10:00:00Z"));
  return {
    ...s,
    phase: "awaiting-approval",
    step: 1,
    writtenGreen: 10,
    approvals: [{ by: "bob", at: "2026-03-02T10:00:00.000Z", gate: "step-2" }],
  };
}

const input = (state: UpgradeState, now: string): StatusInput => ({
  plan,
  state,
  observation: undefined,
  lock: undefined,
  reason: "r",
  location: "x",
  now: new Date(now),
});

describe("status: approvals", () => {
  it("an approval within approvals.expireAfter is valid, with its expiry", () => {
    const i = input(waiting(), "2026-03-02T10:04:59Z");
    expect(statusJson(i).approvals).toEqual([
      {
        by: "bob",
        at: "2026-03-02T10:00:00.000Z",
        gate: "step-2",
        expired: false,
        valid: true,
        expiresAt: "2026-03-02T10:05:00.000Z",
      },
    ]);
    expect(statusText(i)).toContain(
      "  approval step-2 by bob at 2026-03-02 10:00:00Z (valid until 2026-03-02 10:05:00Z)",
    );
  });

  it("a lapsed one shows as expired (no tick needed to mark it), and opens nothing", () => {
    const i = input(waiting(), "2026-03-02T10:05:00Z");
    expect(statusJson(i).approvals[0]).toMatchObject({ gate: "step-2", expired: true, valid: false });
    expect(statusText(i).join("\n")).toMatch(
      /approval step-2 by bob at 2026-03-02 10:00:00Z \(expired at 2026-03-02 10:05:00Z: opens nothing, approve again\)/,
    );
    // Once a tick logged approval-expired, the mark is kept in the state.
    const marked = waiting();
    marked.approvals[0]!.expiredAt = "2026-03-02T10:05:00.000Z";
    expect(statusJson(input(marked, "2026-03-02T10:06:00Z")).approvals[0]).toMatchObject({
      expired: true,
      valid: false,
      expiredAt: "2026-03-02T10:05:00.000Z",
    });
  });

  it("a used approval is neither expired nor valid", () => {
    const s = waiting();
    s.approvals[0]!.usedAt = "2026-03-02T10:01:00.000Z";
    expect(statusJson(input(s, "2026-03-02T11:00:00Z")).approvals[0]).toMatchObject({
      expired: false,
      valid: false,
    });
  });
});
