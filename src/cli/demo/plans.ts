/**
 * The demo's three upgrades (the third judged by metrics, see metricPlan): the shape of plans/production.yaml (several record pairs, alarms by name and
 * prefix, an approval before all traffic moves, blue retired after green held 100%), with every
 * duration compressed to seconds so the whole demo takes about a minute.
 */
import type { PlanInput } from "../../plan/schema.ts";

export interface DemoTiming {
  bake: string;
  /** When the alarm fires after green reaches 50%: halfway through that bake. */
  alarmAfterMs: number;
  retireAfter: string;
  /** How long DNS caches take to follow a weight change in the third upgrade (the observed split lags). */
  dnsDelayMs: number;
  /** The third upgrade's bakes, and its bake at 50% (long enough for two failed evaluations). */
  metricBake: string;
  judgedBake: string;
}

export const NORMAL: DemoTiming = {
  bake: "4s",
  alarmAfterMs: 2000,
  retireAfter: "3s",
  dnsDelayMs: 2500,
  metricBake: "1s",
  judgedBake: "4s",
};
export const FAST: DemoTiming = {
  bake: "1s",
  alarmAfterMs: 400,
  retireAfter: "1s",
  dnsDelayMs: 1500,
  metricBake: "1s",
  judgedBake: "3s",
};

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

/** The sandbox's traffic model for the third upgrade: DNS caches lag the weights; green errs at 50%. */
export function demoTraffic(timing: DemoTiming) {
  return {
    requestsPerSecond: 1000,
    dnsDelayMs: timing.dnsDelayMs,
    rules: [{ side: "green" as const, greenAtLeast: 50, errorRate: 0.08 }],
  };
}

const albQuery = (id: string, metricName: string) => ({
  id,
  metricStat: {
    namespace: "AWS/ApplicationELB",
    metricName,
    dimensions: [{ name: "LoadBalancer", value: "{{alb}}" }],
    stat: "Sum",
    period: 1,
  },
});

/**
 * The third upgrade: green judged by its 5xx rate against blue's (plans/metric-gates.yaml's shape,
 * compressed), with the observed split gating each bake. Its alarm never fires.
 */
function metricPlan(timing: DemoTiming): PlanInput {
  // Shorter bakes than the other two: the observed split already adds its wait before each one.
  const base = plan("orders-demo", "orders", { ...timing, bake: timing.metricBake }, [10, 50, 100], false);
  return {
    ...base,
    steps: base.steps.map((st) => (st.green === 50 ? { ...st, bake: timing.judgedBake } : st)),
    metadata: { name: "orders-demo", description: "Demo: green judged against blue by its metrics." },
    alarms: { ...base.alarms, names: ["orders-5xx"], prefixes: [] },
    analysis: {
      interval: "1s",
      variables: {
        blue: { alb: "app/orders-1-30/0123456789abcdef" },
        green: { alb: "app/orders-1-31/fedcba9876543210" },
      },
      metrics: [
        {
          name: "error-rate",
          queries: [
            albQuery("errors", "HTTPCode_Target_5XX_Count"),
            albQuery("requests", "RequestCount"),
            { id: "rate", expression: "100 * FILL(errors, 0) / requests", label: "5xx % of requests" },
          ],
          compare: { direction: "higher-is-worse", maxRatio: 1.5, maxIncrease: 0.5 },
          minData: { datapoints: 2 },
          failureLimit: 1,
          window: "3s",
        },
      ],
      split: { queries: [albQuery("requests", "RequestCount")], window: "2s", maxConvergence: "30s" },
    },
  };
}

export function demoPlans(timing: DemoTiming): {
  complete: PlanInput;
  rollback: PlanInput;
  metrics: PlanInput;
} {
  return {
    complete: plan("payments-demo", "payments", timing, [5, 25, 50, 100], true),
    rollback: plan("checkout-demo", "checkout", timing, [5, 25, 50, 100], false),
    metrics: metricPlan(timing),
  };
}
