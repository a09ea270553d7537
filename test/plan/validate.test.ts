import { describe, expect, it } from "vitest";
import { Plan, type PlanDoc } from "../../src/plan/schema.ts";
import { validatePlan } from "../../src/plan/validate.ts";
import { parsePlan } from "../../src/plan/load.ts";
import { toYaml, validPlan } from "./support.ts";

function doc(change: (plan: Record<string, unknown>) => void = () => {}): PlanDoc {
  const plan = validPlan();
  change(plan);
  return Plan.parse(plan);
}
const codes = (d: PlanDoc) => validatePlan(d).errors.map((e) => e.code);
const warnings = (d: PlanDoc) => validatePlan(d).warnings.map((e) => e.code);
const records = (p: Record<string, unknown>) => (p.traffic as { records: Record<string, unknown>[] }).records;

describe("validatePlan", () => {
  it("accepts the valid plan with no warnings", () => {
    expect(validatePlan(doc())).toEqual({ errors: [], warnings: [] });
  });

  it("wants green's share strictly increasing and ending at 100", () => {
    expect(codes(doc((p) => (p.steps = [{ green: 10 }, { green: 10 }, { green: 100 }])))).toEqual([
      "weights-not-increasing",
    ]);
    expect(codes(doc((p) => (p.steps = [{ green: 10 }, { green: 50 }])))).toEqual(["last-step-not-100"]);
  });

  it("refuses blue and green being the same cluster, unless in different regions", () => {
    expect(
      codes(
        doc((p) => (p.clusters = { blue: { name: "x" }, green: { name: "x", kubernetesVersion: "1.31" } })),
      ),
    ).toEqual(["same-cluster"]);
    const apart = doc(
      (p) =>
        (p.clusters = {
          blue: { name: "x" },
          green: { name: "x", region: "eu-west-1", kubernetesVersion: "1.31" },
        }),
    );
    expect(codes(apart)).toEqual([]);
  });

  it("wants exactly one of zoneId and zoneName, and the record inside a named zone", () => {
    expect(codes(doc((p) => Object.assign(records(p)[0]!, { zoneName: "example.com" })))).toEqual([
      "zone-ambiguous",
    ]);
    expect(codes(doc((p) => delete records(p)[0]!.zoneId))).toEqual(["zone-ambiguous"]);
    expect(codes(doc((p) => (records(p)[1]!.name = "api.example.com")))).toEqual(["record-outside-zone"]);
  });

  it("wants distinct set identifiers and every weighted record in one pair only", () => {
    expect(codes(doc((p) => (records(p)[0]!.green = "shop-blue")))).toEqual(["same-set-identifier"]);
    expect(codes(doc((p) => records(p).push({ ...records(p)[0]! })))).toEqual([
      "duplicate-record",
      "duplicate-record",
    ]);
    // Same record reached through a trailing dot and other case still counts.
    expect(
      codes(doc((p) => records(p).push({ ...records(p)[0]!, name: "SHOP.example.com.", green: "other" }))),
    ).toEqual(["duplicate-record"]);
    // Another type of the same name is another record.
    expect(codes(doc((p) => records(p).push({ ...records(p)[0]!, type: "AAAA" })))).toEqual([]);
  });

  it("refuses delete without approval, but allows the other modes without it", () => {
    expect(codes(doc((p) => (p.retire = { mode: "delete", approval: false })))).toEqual([
      "delete-needs-approval",
    ]);
    expect(codes(doc((p) => (p.retire = { mode: "scale-to-zero", approval: false })))).toEqual([]);
  });

  it("checks change windows: IANA zone, non-empty", () => {
    expect(
      codes(doc((p) => (p.changeWindows = [{ start: "09:00", end: "10:00", timeZone: "Mars/Olympus" }]))),
    ).toEqual(["invalid-time-zone"]);
    expect(codes(doc((p) => (p.changeWindows = [{ start: "09:00", end: "09:00" }])))).toEqual([
      "empty-window",
    ]);
    expect(
      codes(doc((p) => (p.changeWindows = [{ start: "22:00", end: "02:00", timeZone: "America/New_York" }]))),
    ).toEqual([]);
  });

  it("refuses absurd durations and a poll interval under 1s", () => {
    expect(codes(doc((p) => (p.retire = { after: "400d" })))).toEqual(["duration-too-long"]);
    expect(codes(doc((p) => (p.steps = [{ green: 100, bake: "99999999999999999999d" }])))).toContain(
      "duration-too-long",
    );
    expect(codes(doc((p) => (p.alarms = { names: ["a"], pollInterval: "500ms" })))).toEqual([
      "poll-too-fast",
    ]);
  });

  it("warns about one step to 100%, no alarms, and a bake shorter than the poll interval", () => {
    expect(warnings(doc((p) => (p.steps = [{ green: 100 }])))).toEqual(["single-step"]);
    expect(warnings(doc((p) => delete p.alarms))).toEqual(["no-alarms"]);
    expect(warnings(doc((p) => (p.steps = [{ green: 50, bake: "10s" }, { green: 100 }])))).toEqual([
      "bake-shorter-than-poll",
    ]);
  });

  it("carries warnings with positions into LoadedPlan.warnings", () => {
    const plan = validPlan();
    plan.steps = [{ green: 100 }];
    const loaded = parsePlan(toYaml(plan), "p.yaml");
    expect(loaded.warnings).toHaveLength(1);
    expect(loaded.warnings[0]).toMatchObject({ code: "single-step", path: "steps[0].green" });
    expect(loaded.warnings[0]!.line).toBeGreaterThan(1);
  });
});
