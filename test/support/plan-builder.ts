/**
 * One test plan builder: the smallest valid plan (one record pair, one step to 100%), with top-level
 * sections replaced by `overrides`. Tests spell out only what they are about.
 */
import { compilePlan, type CompiledPlan } from "../../src/plan/compile.ts";
import { Plan, type PlanDoc, type PlanInput } from "../../src/plan/schema.ts";

export function planInput(overrides: Partial<PlanInput> = {}): PlanInput {
  return {
    apiVersion: "eks-bluegreen/v1",
    metadata: { name: "test" },
    region: "us-east-1",
    clusters: { blue: { name: "blue" }, green: { name: "green", kubernetesVersion: "1.31" } },
    traffic: { records: [{ zoneId: "Z123", name: "api.example.com", blue: "b", green: "g" }] },
    steps: [{ green: 100 }],
    ...overrides,
  };
}

/** The plan document as the schema parses it. */
export function planDoc(overrides: Partial<PlanInput> = {}): PlanDoc {
  return Plan.parse(planInput(overrides));
}

/** The compiled plan, as if read from `file`. */
export function buildPlan(overrides: Partial<PlanInput> = {}, file = "plan.yaml"): CompiledPlan {
  return compilePlan(planDoc(overrides), file);
}

/**
 * The "shop" plan most suites describe: shop-1-30 → shop-1-31 in eu-west-1, one record pair, 50% then
 * 100%. Tests about IAM, health or fleets override only what they are about.
 */
export function shopPlanInput(overrides: Partial<PlanInput> = {}): PlanInput {
  return planInput({
    metadata: { name: "shop" },
    region: "eu-west-1",
    clusters: { blue: { name: "shop-1-30" }, green: { name: "shop-1-31", kubernetesVersion: "1.31" } },
    traffic: { records: [{ zoneId: "Z0AAA", name: "shop.example.com.", blue: "b", green: "g" }] },
    steps: [{ green: 50 }, { green: 100 }],
    ...overrides,
  });
}

/** The "shop" plan document as the schema parses it. */
export function shopPlanDoc(overrides: Partial<PlanInput> = {}): PlanDoc {
  return Plan.parse(shopPlanInput(overrides));
}
