import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { join } from "node:path";
import { stringify } from "yaml";
import { FleetError, loadFleet, parseFleetText } from "../../src/fleet/schema.ts";
import { fleetDir, fleetPlan, THREE_WAVES, threePlans } from "./support.ts";

async function refusal(files: Record<string, string | Record<string, unknown>>, fleet = "fleet.yaml") {
  const dir = await fleetDir(files);
  const error = await loadFleet(fleet, { cwd: dir }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(FleetError);
  return error as FleetError;
}

describe("fleet file", () => {
  it("loads three waves with their plans, hold by default", async () => {
    const dir = await fleetDir({ ...threePlans(), "fleet.yaml": THREE_WAVES });
    const fleet = await loadFleet("fleet.yaml", { cwd: dir });
    expect(fleet.name).toBe("shop");
    expect(fleet.onProblem).toBe("hold");
    expect(fleet.waves.map((w) => [w.name, w.plans])).toEqual([
      ["dev", ["dev"]],
      ["staging", ["staging"]],
      ["prod", ["prod"]],
    ]);
    expect(fleet.plans.map((p) => [p.name, p.wave, p.file])).toEqual([
      ["dev", 0, "dev.yaml"],
      ["staging", 1, "staging.yaml"],
      ["prod", 2, "prod.yaml"],
    ]);
  });

  it("names unnamed waves wave-N and resolves plans relative to the fleet file", async () => {
    const dir = await fleetDir({ ...threePlans() });
    const { mkdir, writeFile, rename } = await import("node:fs/promises");
    await mkdir(join(dir, "fleets"));
    await rename(join(dir, "dev.yaml"), join(dir, "fleets", "dev.yaml"));
    await writeFile(
      join(dir, "fleets", "f.yaml"),
      "apiVersion: eks-bluegreen/v1\nkind: Fleet\nmetadata: {name: f}\nwaves:\n  - plans: [dev.yaml, ../staging.yaml]\n    maxConcurrent: 1\n",
    );
    const fleet = await loadFleet("fleets/f.yaml", { cwd: dir });
    expect(fleet.waves[0]).toMatchObject({ name: "wave-1", maxConcurrent: 1, plans: ["dev", "staging"] });
    expect(fleet.plans.map((p) => p.file)).toEqual(["fleets/dev.yaml", "staging.yaml"]);
  });

  it("refuses a missing plan, naming its line", async () => {
    const e = await refusal({
      ...threePlans(),
      "fleet.yaml": THREE_WAVES.replace("prod.yaml]", "prd.yaml]"),
    });
    expect(e.exitCode).toBe(2);
    expect(e.code).toBe("invalid-fleet");
    expect(e.issues).toEqual([
      expect.objectContaining({ code: "fleet-plan-missing", line: 11, path: "waves[2].plans[0]" }),
    ]);
    expect(e.message).toContain("fleet.yaml:11:");
  });

  it("refuses the same plan twice in a wave, and a plan in two waves", async () => {
    const twice = await refusal({
      ...threePlans(),
      "fleet.yaml": THREE_WAVES.replace("[dev.yaml]", "[dev.yaml, ./dev.yaml]"),
    });
    expect(twice.issues).toEqual([expect.objectContaining({ code: "fleet-plan-twice", line: 7 })]);
    const two = await refusal({
      ...threePlans(),
      "fleet.yaml": THREE_WAVES.replace("[prod.yaml]", "[prod.yaml, dev.yaml]"),
    });
    expect(two.issues).toEqual([expect.objectContaining({ code: "fleet-plan-in-two-waves", line: 11 })]);
  });

  it("refuses two plans that move the same record pair", async () => {
    const prod = fleetPlan("prod");
    (prod.traffic as { records: Record<string, unknown>[] }).records.push({
      zoneName: "example.com",
      name: "STAGING.example.com.",
      blue: "staging-blue",
      green: "staging-green",
    });
    const e = await refusal({ ...threePlans(), "prod.yaml": prod, "fleet.yaml": THREE_WAVES });
    expect(e.issues).toEqual([expect.objectContaining({ code: "fleet-shared-target", line: 11 })]);
    expect(e.message).toContain("staging.example.com");
  });

  it("compares other traffic kinds by the ARNs they name", async () => {
    const { trafficClaims } = await import("../../src/fleet/identity.ts");
    const listener = {
      listenerArn: "arn:aws:elasticloadbalancing:us-east-1:1:listener/app/x/1/2",
      blue: "tg-b",
    };
    const a = trafficClaims({ traffic: { records: [], listeners: [listener] } } as never);
    const b = trafficClaims({
      traffic: { records: [], listeners: [{ ...listener, blue: "other" }] },
    } as never);
    expect(a.map((c) => c.key)).toEqual(b.map((c) => c.key));
  });

  it("refuses two plans sharing a state (S3 key, or local folder by name)", async () => {
    const s3 = { backend: "s3", bucket: "ebg-state", key: "shared/state.json" };
    const e = await refusal({
      ...threePlans(),
      "dev.yaml": fleetPlan("dev", { state: s3 }),
      "staging.yaml": fleetPlan("staging", { state: s3 }),
      "fleet.yaml": THREE_WAVES,
    });
    expect(e.issues).toEqual([expect.objectContaining({ code: "fleet-shared-state", line: 9 })]);
    const sameName = await refusal({
      ...threePlans(),
      "prod.yaml": fleetPlan("dev", { traffic: fleetPlan("prod").traffic }),
      "fleet.yaml": THREE_WAVES,
    });
    expect(sameName.issues.map((i) => i.code)).toEqual(["fleet-plan-name-twice", "fleet-shared-state"]);
  });

  it("refuses an invalid plan, a bad field and a wrong kind with their lines", async () => {
    const bad = await refusal({
      ...threePlans(),
      "dev.yaml": "apiVersion: nope\n",
      "fleet.yaml": THREE_WAVES,
    });
    expect(bad.issues).toEqual([expect.objectContaining({ code: "fleet-plan-invalid", line: 7 })]);
    const kind = await refusal({
      ...threePlans(),
      "fleet.yaml": THREE_WAVES.replace("kind: Fleet", "kind: Flet"),
    });
    expect(kind.issues[0]).toMatchObject({ path: "kind", line: 2 });
    const max = await refusal({ ...threePlans(), "fleet.yaml": `${THREE_WAVES}    maxConcurrent: 0\n` });
    expect(max.issues[0]).toMatchObject({ path: "waves[2].maxConcurrent", line: 12 });
    const missing = await refusal({}, "nope.yaml");
    expect(missing.message).toContain("nope.yaml");
  });

  it("never crashes on random fleet files: valid, or a FleetError with issues", () => {
    const scalar = fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null));
    const wave = fc.record(
      {
        name: fc.oneof(fc.constantFrom("dev", "prod", "Bad Name"), scalar),
        plans: fc.oneof(fc.array(fc.constantFrom("dev.yaml", "x.yaml", "")), scalar),
        maxConcurrent: fc.oneof(fc.integer({ min: -2, max: 5 }), scalar),
        extra: scalar,
      },
      { requiredKeys: [] },
    );
    const doc = fc.record(
      {
        apiVersion: fc.oneof(fc.constant("eks-bluegreen/v1"), scalar),
        kind: fc.oneof(fc.constant("Fleet"), scalar),
        metadata: fc.oneof(fc.record({ name: fc.oneof(fc.constant("f"), scalar) }), scalar),
        onProblem: fc.oneof(fc.constantFrom("hold", "continue", "stop"), scalar),
        waves: fc.oneof(fc.array(wave, { maxLength: 4 }), scalar),
      },
      { requiredKeys: [] },
    );
    const text = fc.oneof(
      doc.map((d) => stringify(d)),
      fc.string(),
    );
    fc.assert(
      fc.property(text, (t) => {
        try {
          const { doc: parsed } = parseFleetText(t, "fleet.yaml");
          expect(parsed.kind).toBe("Fleet");
        } catch (error) {
          if (!(error instanceof FleetError)) throw error;
          expect(error.exitCode).toBe(2);
          expect(error.issues.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("random fleets over real files load or refuse with exit 2, never crash", async () => {
    const dir = await fleetDir({ ...threePlans(), "fleet.yaml": THREE_WAVES });
    const { writeFile } = await import("node:fs/promises");
    const refs = fc.array(
      fc.constantFrom("dev.yaml", "staging.yaml", "prod.yaml", "none.yaml", "../x.yaml", "."),
      {
        minLength: 1,
        maxLength: 4,
      },
    );
    await fc.assert(
      fc.asyncProperty(fc.array(refs, { minLength: 1, maxLength: 3 }), async (waves) => {
        await writeFile(
          join(dir, "r.yaml"),
          stringify({
            apiVersion: "eks-bluegreen/v1",
            kind: "Fleet",
            metadata: { name: "r" },
            waves: waves.map((plans) => ({ plans })),
          }),
        );
        try {
          const f = await loadFleet("r.yaml", { cwd: dir });
          expect(new Set(f.plans.map((p) => p.name)).size).toBe(f.plans.length);
        } catch (error) {
          if (!(error instanceof FleetError)) throw error;
          expect(error.issues.every((i) => i.line !== undefined)).toBe(true);
        }
      }),
      { numRuns: 60 },
    );
  });
});
