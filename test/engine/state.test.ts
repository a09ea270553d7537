import { describe, expect, it } from "vitest";
import { StateError } from "../../src/errors.ts";
import { newState, parseState, serializeState } from "../../src/engine/state.ts";

const now = new Date("2026-03-02T10:00:00Z");
const base = () => {
  const s = newState({ name: "prod", hash: "abc" }, now);
  s.events.push({
    seq: 1,
    at: now.toISOString(),
    type: "created",
    to: "pending",
    step: 0,
    message: "created",
  });
  return s;
};

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(StateError);
    expect((error as StateError).exitCode).toBe(4);
    return (error as StateError).code;
  }
  throw new Error("did not throw");
}

describe("state document", () => {
  it("round-trips", () => {
    const s = base();
    expect(parseState(serializeState(s), "prod", "f")).toEqual(s);
  });

  it("rejects truncated and garbled JSON", () => {
    const text = serializeState(base());
    expect(code(() => parseState(text.slice(0, text.length / 2), "prod", "f"))).toBe("state-damaged");
    expect(code(() => parseState("[1,2]", "prod", "f"))).toBe("state-damaged");
    expect(code(() => parseState("", "prod", "f"))).toBe("state-damaged");
  });

  it("rejects an unknown version and another plan's state", () => {
    expect(code(() => parseState(JSON.stringify({ ...base(), version: 3 }), "prod", "f"))).toBe(
      "state-version",
    );
    expect(code(() => parseState(serializeState(base()), "staging", "f"))).toBe("state-other-plan");
  });

  it("reads a shift over load-balancer targets only, recorded before its INSYNC wait: a change without Route 53 ids", () => {
    // ALB listeners and endpoint groups give no change id; a kill at after-submitted leaves exactly this.
    const s = base();
    s.events.push({
      seq: 2,
      at: now.toISOString(),
      type: "shift-started",
      to: "shifting",
      step: 1,
      message: "x",
    });
    Object.assign(s, { phase: "shifting", step: 1, writtenGreen: 10 });
    s.change = { ids: [], submittedAt: now.toISOString(), green: 10 };
    s.targets = [{ kind: "listener", listenerArn: "arn:aws:elasticloadbalancing:l", blue: "b", green: "g" }];
    expect(parseState(serializeState(s), "prod", "f")).toEqual(s);
    // Where the upgrade writes Route 53 records, the same empty change would skip the INSYNC wait.
    s.targets.push({
      kind: "record",
      zoneId: "Z1",
      name: "api.example.com",
      type: "A",
      blue: "b",
      green: "g",
    });
    expect(code(() => parseState(serializeState(s), "prod", "f"))).toBe("state-inconsistent");
  });

  it("rejects hand edits that contradict the document", () => {
    const gap = base();
    gap.events.push({ seq: 3, at: now.toISOString(), type: "created", step: 0, message: "x" });
    expect(code(() => parseState(serializeState(gap), "prod", "f"))).toBe("state-inconsistent");
    const paused = { ...base(), phase: "paused" };
    expect(code(() => parseState(JSON.stringify(paused), "prod", "f"))).toBe("state-inconsistent");
    const badPhase = { ...base(), phase: "Baking" };
    expect(code(() => parseState(JSON.stringify(badPhase), "prod", "f"))).toBe("state-damaged");
    const badWeight = { ...base(), writtenGreen: 140 };
    expect(code(() => parseState(JSON.stringify(badWeight), "prod", "f"))).toBe("state-damaged");
  });
});
