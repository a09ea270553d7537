import { describe, expect, it } from "vitest";
import { observe } from "../../src/runner/observe.ts";
import { parsePlan } from "../../src/plan/load.ts";
import { toYaml, validPlan } from "../plan/support.ts";
import { fakePorts, healthyCluster } from "./support.ts";

const PLAN = parsePlan(toYaml(validPlan()), "p.yaml");

describe("observe", () => {
  it("reads traffic, alarms and green through the ports, and nothing that writes", async () => {
    const { ports, calls } = fakePorts({ cluster: healthyCluster("shop-1-31", "1.31") });
    const seen = await observe(ports, PLAN);
    expect(seen.traffic.ok && seen.traffic.value).toHaveLength(2);
    expect(seen.alarms.ok && seen.alarms.value.missing).toEqual(["shop-slo-"]);
    expect(seen.green.ok && seen.green.value.status).toBe("ACTIVE");
    expect(calls.sort()).toEqual(["alarms.describe", "clusters.describe:shop-1-31", "traffic.read"]);
  });

  it("reads alarm history only with a start time and when the plan asks for it", async () => {
    const since = new Date("2026-01-01T10:00:00Z");
    const { ports, calls } = fakePorts({
      history: [{ name: "shop-5xx", at: "2026-01-01T10:01:00Z", from: "OK", to: "ALARM", summary: "up" }],
    });
    const seen = await observe(ports, PLAN, { historySince: since });
    expect(calls).toContain("alarms.history:2026-01-01T10:00:00.000Z");
    expect(seen.alarms.ok && seen.alarms.value.history).toHaveLength(1);

    const off = parsePlan(toYaml({ ...validPlan(), alarms: { names: ["a"], history: false } }), "p.yaml");
    const second = fakePorts({});
    await observe(second.ports, off, { historySince: since });
    expect(second.calls.some((c) => c.startsWith("alarms.history"))).toBe(false);
  });

  it("catches each part on its own", async () => {
    const { ports } = fakePorts({ fail: { traffic: "AccessDenied: route53:ListResourceRecordSets" } });
    const seen = await observe(ports, PLAN);
    expect(seen.traffic).toEqual({ ok: false, error: "AccessDenied: route53:ListResourceRecordSets" });
    expect(seen.alarms.ok).toBe(true);
    expect(seen.green.ok).toBe(true);
  });

  it("asks EKS for exactly the node groups, add-ons and insights the plan names", async () => {
    const p = validPlan();
    Object.assign((p.clusters as { green: object }).green, { nodegroups: ["general"], insights: true });
    const compiled = parsePlan(toYaml(p), "p.yaml");
    let query: unknown;
    const { ports } = fakePorts({});
    ports.clusters.green.describe = async (_name, q) => {
      query = q;
      return healthyCluster("shop-1-31", "1.31");
    };
    await observe(ports, compiled);
    expect(query).toEqual({ nodegroups: ["general"], insights: true });
  });
});
