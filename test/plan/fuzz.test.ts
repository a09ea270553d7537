/**
 * Property tests: whatever the input, loading a plan gives a valid plan or a PlanError (exit 2) with
 * readable issues, never another exception.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { decodePlanText, parsePlan } from "../../src/plan/load.ts";
import { PlanError } from "../../src/errors.ts";
import { toYaml, validPlan } from "./support.ts";

type Path = (string | number)[];

function paths(value: unknown, prefix: Path = []): Path[] {
  if (value === null || typeof value !== "object") return [prefix];
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
  return [prefix, ...entries.flatMap(([k, v]) => paths(v, [...prefix, k]))];
}

const PLAN_PATHS = paths(validPlan());

function mutate(path: Path, apply: (parent: Record<string | number, unknown>, key: string | number) => void) {
  const plan = validPlan();
  if (path.length === 0) return plan;
  let parent = plan as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  apply(parent, path[path.length - 1]!);
  return plan;
}

/** Either a plan or a PlanError with at least one readable issue; anything else fails the property. */
function outcome(load: () => unknown): void {
  try {
    load();
  } catch (error) {
    if (!(error instanceof PlanError)) throw error;
    expect(error.issues.length).toBeGreaterThan(0);
    for (const issue of error.issues) {
      expect(typeof issue.message).toBe("string");
      expect(issue.message.length).toBeGreaterThan(0);
      expect(issue.message).not.toMatch(/\bat .*\.(ts|js):\d+/);
    }
  }
}

const anyValue = fc.oneof(
  fc.string(),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.oneof(fc.string(), fc.integer()), { maxKeys: 3 }),
  fc.constantFrom("10m", "0s", "1h30m", "x", "-1", "1.31", "Z0EXAMPLE1", "delete", "", "  "),
);

const RUNS = 700;

describe("loading generated broken plans", () => {
  it("survives dropped fields", () => {
    fc.assert(
      fc.property(fc.constantFrom(...PLAN_PATHS), (path) =>
        outcome(() =>
          parsePlan(
            toYaml(
              mutate(path, (parent, key) => {
                if (Array.isArray(parent)) parent.splice(Number(key), 1);
                else delete parent[key];
              }),
            ),
            "p.yaml",
          ),
        ),
      ),
      { numRuns: RUNS },
    );
  });

  it("survives wrong types and random values", () => {
    fc.assert(
      fc.property(fc.constantFrom(...PLAN_PATHS), anyValue, (path, value) =>
        outcome(() => parsePlan(toYaml(mutate(path, (parent, key) => (parent[key] = value))), "p.yaml")),
      ),
      { numRuns: RUNS },
    );
  });

  it("survives random keys", () => {
    const objects = PLAN_PATHS.filter((p) => {
      const v = p.reduce<unknown>((acc, k) => (acc as Record<string | number, unknown>)[k], validPlan());
      return v !== null && typeof v === "object" && !Array.isArray(v);
    });
    fc.assert(
      fc.property(
        fc.constantFrom(...objects),
        fc.string({ minLength: 1, maxLength: 12 }),
        anyValue,
        (path, key, value) => {
          const plan = validPlan();
          const target = path.reduce<Record<string | number, unknown>>(
            (acc, k) => acc[k] as Record<string | number, unknown>,
            plan,
          );
          target[key] = value;
          outcome(() => parsePlan(toYaml(plan), "p.yaml"));
        },
      ),
      { numRuns: RUNS },
    );
  });

  it("survives random edits of the YAML text", () => {
    const text = toYaml(validPlan());
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(text.length), fc.nat(6), fc.string({ maxLength: 6 })), {
          minLength: 1,
          maxLength: 4,
        }),
        (edits) => {
          let broken = text;
          for (const [at, remove, insert] of edits)
            broken = broken.slice(0, at) + insert + broken.slice(at + remove);
          outcome(() => parsePlan(broken, "p.yaml"));
        },
      ),
      { numRuns: RUNS },
    );
  });

  it("survives random bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), (bytes) =>
        outcome(() => parsePlan(decodePlanText(bytes, "p.yaml"), "p.yaml")),
      ),
      { numRuns: RUNS },
    );
  });
});
