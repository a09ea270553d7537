import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { decide, decideFor, holdText, type FleetShape, type PlanSummary } from "../../src/fleet/rules.ts";
import { PHASES, type Phase } from "../../src/engine/state.ts";

const fleet = (overrides: Partial<FleetShape> = {}): FleetShape => ({
  onProblem: "hold",
  waves: [
    { name: "dev", plans: ["dev"] },
    { name: "staging", plans: ["staging-eu", "staging-us"] },
    { name: "prod", plans: ["prod-eu", "prod-us", "prod-ap"], maxConcurrent: 1 },
  ],
  ...overrides,
});

const at = (phase: Phase, step = 1): PlanSummary => ({ kind: "started", phase, step, green: 10 });
const states = (entries: Record<string, PlanSummary>) => new Map(Object.entries(entries));
const kinds = (f: FleetShape, s: Map<string, PlanSummary>) =>
  Object.fromEntries(decide(f, s).map((d) => [d.plan, d.kind === "hold" ? d.hold.code : d.kind]));

describe("wave rules", () => {
  it("nothing started: only the first wave may start", () => {
    expect(kinds(fleet(), states({}))).toEqual({
      dev: "move",
      "staging-eu": "earlier-wave-running",
      "staging-us": "earlier-wave-running",
      "prod-eu": "earlier-wave-running",
      "prod-us": "earlier-wave-running",
      "prod-ap": "earlier-wave-running",
    });
    const d = decideFor(fleet(), states({}), "staging-us");
    expect(d).toMatchObject({
      kind: "hold",
      hold: { code: "earlier-wave-running", wave: "dev", plans: ["dev"] },
    });
  });

  it("a wave starts once every plan of the earlier waves completed (holding is not completed)", () => {
    expect(decideFor(fleet(), states({ dev: at("holding", 2) }), "staging-eu")?.kind).toBe("hold");
    expect(decideFor(fleet(), states({ dev: at("completed", 2) }), "staging-eu")?.kind).toBe("move");
    const half = states({ dev: at("completed"), "staging-eu": at("completed") });
    expect(decideFor(fleet(), half, "prod-eu")).toMatchObject({
      hold: { code: "earlier-wave-running", wave: "staging", plans: ["staging-us"] },
    });
  });

  it.each(["rolled-back", "rolling-back", "paused"] as const)(
    "%s in a wave holds the later waves by default",
    (phase) => {
      const s = states({ dev: at(phase) });
      expect(decideFor(fleet(), s, "staging-eu")).toMatchObject({
        kind: "hold",
        hold: { code: "earlier-wave-problem", plans: ["dev"] },
      });
      expect(decideFor(fleet({ onProblem: "continue" }), s, "staging-eu")?.kind).toBe("move");
    },
  );

  it("a damaged state is a problem too; a started plan of a later wave always ticks", () => {
    const s = states({
      dev: { kind: "damaged", code: "state-damaged", message: "x" },
      "staging-eu": at("baking"),
    });
    expect(kinds(fleet(), s)).toMatchObject({
      dev: "move",
      "staging-eu": "move",
      "staging-us": "earlier-wave-problem",
    });
  });

  it("completed and rolled-back plans are done (nothing to tick)", () => {
    expect(kinds(fleet(), states({ dev: at("completed"), "staging-eu": at("rolled-back") }))).toMatchObject({
      dev: "done",
      "staging-eu": "done",
      "staging-us": "move",
    });
  });

  it("maxConcurrent: free slots go to waiting plans in file order; holding frees a slot", () => {
    const base = { dev: at("completed"), "staging-eu": at("completed"), "staging-us": at("completed") };
    expect(kinds(fleet(), states(base))).toMatchObject({
      "prod-eu": "move",
      "prod-us": "wave-full",
      "prod-ap": "wave-full",
    });
    const busy = states({ ...base, "prod-us": at("awaiting-approval") });
    expect(kinds(fleet(), busy)).toMatchObject({
      "prod-eu": "wave-full",
      "prod-us": "move",
      "prod-ap": "wave-full",
    });
    expect(decideFor(fleet(), busy, "prod-ap")).toMatchObject({
      hold: { code: "wave-full", limit: 1, plans: ["prod-us"] },
    });
    const settled = states({ ...base, "prod-us": at("holding"), "prod-eu": at("paused") });
    expect(kinds(fleet(), settled)).toMatchObject({ "prod-ap": "wave-full" });
    const both = states({ ...base, "prod-us": at("holding"), "prod-eu": at("completed") });
    expect(kinds(fleet(), both)).toMatchObject({ "prod-ap": "move" });
  });

  it("every hold has words naming the wave and plans", () => {
    const d = decideFor(fleet(), states({ dev: at("paused") }), "prod-eu");
    expect(d?.kind === "hold" && holdText(d.hold)).toContain("wave dev");
  });

  it("properties: never more not-started plans started than free slots; no later wave starts before earlier ones settle", () => {
    const summary = fc.oneof(
      fc.constant<PlanSummary>({ kind: "not-started" }),
      fc.constant<PlanSummary>({ kind: "damaged", code: "state-damaged", message: "x" }),
      fc.constantFrom(...PHASES).map((p) => at(p)),
    );
    const f = fleet();
    const names = f.waves.flatMap((w) => w.plans);
    fc.assert(
      fc.property(
        fc.array(summary, { minLength: names.length, maxLength: names.length }),
        fc.boolean(),
        (list, cont) => {
          const shape = fleet({ onProblem: cont ? "continue" : "hold" });
          const s = new Map(names.map((n, i) => [n, list[i]!]));
          const decisions = decide(shape, s);
          expect(decisions.map((d) => d.plan)).toEqual(names);
          for (const d of decisions) {
            const mine = s.get(d.plan)!;
            if (mine.kind !== "not-started") expect(d.kind).not.toBe("hold");
          }
          shape.waves.forEach((wave, wi) => {
            const starting = decisions.filter(
              (d) =>
                wave.plans.includes(d.plan) && d.kind === "move" && s.get(d.plan)!.kind === "not-started",
            );
            if (starting.length > 0) {
              for (const earlier of shape.waves.slice(0, wi).flatMap((w) => w.plans)) {
                const e = s.get(earlier)!;
                const ok =
                  (e.kind === "started" && e.phase === "completed") ||
                  (cont &&
                    (e.kind === "damaged" ||
                      (e.kind === "started" && ["paused", "rolling-back", "rolled-back"].includes(e.phase))));
                expect(ok).toBe(true);
              }
            }
            if (wave.maxConcurrent !== undefined) {
              const inFlight = wave.plans.filter((p) => {
                const x = s.get(p)!;
                return (
                  x.kind === "damaged" ||
                  (x.kind === "started" &&
                    !["holding", "waiting-to-retire", "retiring", "completed", "rolled-back"].includes(
                      x.phase,
                    ))
                );
              });
              expect(inFlight.length + starting.length).toBeLessThanOrEqual(
                Math.max(wave.maxConcurrent, inFlight.length),
              );
            }
          });
        },
      ),
      { numRuns: 500 },
    );
  });
});
