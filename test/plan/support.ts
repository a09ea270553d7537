/** A valid plan as plain data, to copy and break in tests. */
import { stringify } from "yaml";
import { parsePlan } from "../../src/plan/load.ts";
import { PlanError } from "../../src/errors.ts";

export function validPlan(): Record<string, unknown> {
  return {
    apiVersion: "eks-bluegreen/v1",
    metadata: { name: "shop-1-31" },
    region: "us-east-1",
    clusters: { blue: { name: "shop-1-30" }, green: { name: "shop-1-31", kubernetesVersion: "1.31" } },
    traffic: {
      records: [
        { zoneId: "Z0EXAMPLE1", name: "shop.example.com", blue: "shop-blue", green: "shop-green" },
        { zoneName: "example.org", name: "api.example.org", type: "CNAME", blue: "b", green: "g" },
      ],
    },
    steps: [{ green: 10, bake: "5m" }, { green: 50 }, { green: 100, approval: true }],
    alarms: { names: ["shop-5xx"], prefixes: ["shop-slo-"] },
    changeWindows: [{ start: "09:00", end: "17:00", timeZone: "Europe/Berlin" }],
  };
}

export const toYaml = (value: unknown) => stringify(value);

/** The PlanError thrown for `text`, or fails the test. */
export function planError(text: string, file = "plan.yaml"): PlanError {
  try {
    parsePlan(text, file);
  } catch (error) {
    if (error instanceof PlanError) return error;
    throw error;
  }
  throw new Error("expected a PlanError, the plan was accepted");
}
