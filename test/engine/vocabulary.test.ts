import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { StateError } from "../../src/errors.ts";
import { newState, parseState, serializeState, type UpgradeState } from "../../src/engine/state.ts";
import { reasonText, storedReasonText } from "../../src/engine/reason.ts";
import {
  ERROR_CODES,
  EVENT_TYPES,
  PAUSE_CODES,
  PAUSE_EVENT,
  REASON_CODES,
  REFUSAL_CODES,
  WRITES_TRAFFIC,
} from "../../src/engine/vocabulary.ts";

const now = new Date("2026-03-02T10:00:00Z");

function paused(): UpgradeState {
  const s = newState({ name: "prod", hash: "abc" }, now);
  s.phase = "paused";
  s.step = 1;
  s.writtenGreen = 10;
  s.pause = { code: "drift", reason: "Drift.", resumeTo: "baking", since: now.toISOString() };
  s.reason = { code: "entered", event: "drift", text: "Drift." };
  s.events.push(
    { seq: 1, at: now.toISOString(), type: "created", to: "pending", step: 0, message: "created" },
    {
      seq: 2,
      at: now.toISOString(),
      type: "drift",
      from: "baking",
      to: "paused",
      step: 1,
      message: "Drift.",
    },
  );
  return s;
}

/** The parts of a stored document the tests edit by hand. */
interface Doc {
  events: Record<string, unknown>[];
  pause: Record<string, unknown>;
  reason: unknown;
  version: number;
}

/** Parses a hand-edited document; returns the StateError it raises (it must raise one, never crash). */
function damage(edit: (doc: Doc) => void): StateError {
  const doc = JSON.parse(serializeState(paused())) as Doc;
  edit(doc);
  try {
    parseState(JSON.stringify(doc), "prod", "file s.json");
  } catch (error) {
    expect(error).toBeInstanceOf(StateError);
    return error as StateError;
  }
  throw new Error("a damaged state was accepted");
}

describe("vocabulary", () => {
  it("each list holds each code once", () => {
    for (const list of [EVENT_TYPES, PAUSE_CODES, REASON_CODES, REFUSAL_CODES, ERROR_CODES]) {
      expect(new Set(list).size).toBe(list.length);
    }
    for (const t of WRITES_TRAFFIC) expect(EVENT_TYPES).toContain(t);
    for (const code of PAUSE_CODES) expect(EVENT_TYPES).toContain(PAUSE_EVENT[code]);
  });

  it("the state schema reads every known event type and pause code", () => {
    for (const type of EVENT_TYPES) {
      const s = paused();
      s.events[1]!.type = type;
      expect(parseState(serializeState(s), "prod", "f").events[1]!.type).toBe(type);
    }
    for (const code of PAUSE_CODES) {
      const s = paused();
      s.pause!.code = code;
      expect(parseState(serializeState(s), "prod", "f").pause!.code).toBe(code);
    }
  });

  it("an unknown event type, pause code or reason code is a damaged state naming the field", () => {
    const event = damage((d) => (d.events[1]!.type = "drfit"));
    expect(event.code).toBe("state-damaged");
    expect(event.exitCode).toBe(4);
    expect(event.message).toContain("events.1.type");
    const pause = damage((d) => (d.pause.code = "later"));
    expect(pause.code).toBe("state-damaged");
    expect(pause.message).toContain("pause.code");
    const reason = damage((d) => (d.reason = { code: "sleeping" }));
    expect(reason.code).toBe("state-damaged");
    expect(reason.message).toContain("reason");
  });

  it("any string outside the lists is refused as damaged, never a crash", () => {
    fc.assert(
      fc.property(
        fc.string().filter((t) => !(EVENT_TYPES as readonly string[]).includes(t)),
        fc.string().filter((c) => !(PAUSE_CODES as readonly string[]).includes(c)),
        (type, code) => {
          expect(damage((d) => (d.events[1]!.type = type)).code).toBe("state-damaged");
          expect(damage((d) => (d.pause.code = code)).code).toBe("state-damaged");
        },
      ),
      { numRuns: 100 },
    );
  });

  it("reads a state written before reasons had codes: the sentence becomes {code: legacy, text}", () => {
    const doc = JSON.parse(serializeState(paused())) as Doc;
    doc.reason = "Baking step 1 (10% green): 30s left.";
    doc.version = 1;
    const s = parseState(JSON.stringify(doc), "prod", "f");
    expect(s.reason).toEqual({ code: "legacy", text: "Baking step 1 (10% green): 30s left." });
    expect(storedReasonText(s)).toBe("Baking step 1 (10% green): 30s left.");
    // Written again, it keeps the structured form, as version 2: an older release reading it then says
    // "upgrade" (state-version) instead of "damaged".
    expect(JSON.parse(serializeState(s))).toMatchObject({
      version: 2,
      reason: { code: "legacy", text: doc.reason },
    });
  });
});

describe("reasonText", () => {
  it("counts a countdown down from the time it is shown", () => {
    const until = new Date(now.getTime() + 30_000).toISOString();
    const baking = { code: "baking" as const, step: 2, green: 25, until, unwatchedMs: 20_000 };
    expect(reasonText(baking, now)).toBe(
      "Baking step 2 (25% green): 30s left (20s added for unwatched time).",
    );
    expect(reasonText(baking, new Date(now.getTime() + 12_500))).toBe(
      "Baking step 2 (25% green): 18s left (20s added for unwatched time).",
    );
    expect(reasonText(baking, new Date(now.getTime() + 90_000))).toMatch(/: 0s left/);
  });

  it("gives every code a sentence", () => {
    for (const code of REASON_CODES) {
      const params = {
        step: 1,
        green: 10,
        text: "x",
        until: now.toISOString(),
        verdict: "error",
        action: "shift",
        then: "hold",
      } as const;
      const text = reasonText({ code, ...params }, now);
      expect(text.length).toBeGreaterThan(0);
      expect(text).not.toContain("undefined");
    }
  });
});
