/**
 * The demo's two upgrades: the shape of plans/production.yaml (several record pairs, alarms by name and
 * prefix, an approval before all traffic moves, blue retired after green held 100%), with every
 * duration compressed to seconds so the whole demo takes about a minute.
 */
import type { PlanInput } from "../../plan/schema.ts";

export interface DemoTiming {
  bake: string;
  /** When the alarm fires after green reaches 50%: halfway through that bake. */
  alarmAfterMs: number;
  retireAfter: string;
}

export const NORMAL: DemoTiming = { bake: "4s", alarmAfterMs: 2000, retireAfter: "3s" };
export const FAST: DemoTiming = { bake: "1s", alarmAfterMs: 400, retireAfter: "1s" };

function plan(name: string, service: string, timing: DemoTiming, steps: number[], gate: boolean): PlanInput {
  return {
    apiVersion: "eks-bluegreen/v1",
    kind: "UpgradePlan",
    metadata: { name, description: `Demo: move ${service} from EKS 1.30 to 1.31.` },
    region: "us-east-1",
    clusters: {
      blue: { name: `${service}-1-30` },
      green: {
        name: `${service}-1-31`,
        kubernetesVersion: "1.31",
        nodegroups: ["general"],
        addons: ["vpc-cni"],
      },
    },
    traffic: {
      records: [
        {
          zoneName: "example.com",
          name: `${service}.example.com`,
          type: "A",
          blue: `${service}-blue`,
          green: `${service}-green`,
        },
        {
          zoneName: "example.com",
          name: `${service}-api.example.com`,
          type: "A",
          blue: `${service}-api-blue`,
          green: `${service}-api-green`,
        },
        {
          zoneName: "internal.example.com",
          name: `${service}.internal.example.com`,
          type: "CNAME",
          blue: `${service}-blue`,
          green: `${service}-green`,
        },
      ],
    },
    steps: steps.map((green, i) => ({
      green,
      bake: timing.bake,
      ...(gate && i === steps.length - 1 ? { approval: true } : {}),
    })),
    alarms: {
      names: [`${service}-5xx`, `${service}-latency-p99`],
      prefixes: [`${service}-slo-`],
      insufficientData: "hold",
      pollInterval: "1s",
      history: true,
    },
    rollback: { automatic: true, holdTimeout: "20s", onHoldTimeout: "rollback" },
    retire: { after: timing.retireAfter, mode: "scale-to-zero", approval: false, blueRecords: "keep" },
    state: { backend: "local", dir: ".eks-bluegreen" },
  };
}

export function demoPlans(timing: DemoTiming): { complete: PlanInput; rollback: PlanInput } {
  return {
    complete: plan("payments-demo", "payments", timing, [5, 25, 50, 100], true),
    rollback: plan("checkout-demo", "checkout", timing, [5, 25, 50, 100], false),
  };
}
