import { describe, expect, it } from "vitest";
import { preflight } from "../../src/engine/preflight.ts";
import { recordPairs } from "../../src/engine/targets.ts";
import type { Observation } from "../../src/engine/observation.ts";
import { parsePlan } from "../../src/plan/load.ts";
import { toYaml, validPlan } from "../plan/support.ts";
import { allOnBlue, healthyCluster, okAlarm, record } from "./support.ts";

function plan(change: (p: Record<string, unknown>) => void = () => {}) {
  const p = validPlan();
  change(p);
  return parsePlan(toYaml(p), "p.yaml");
}

const PLAN = plan();

function observation(change: Partial<Observation> = {}): Observation {
  return {
    traffic: { ok: true, value: allOnBlue(recordPairs(PLAN)) },
    alarms: {
      ok: true,
      value: { alarms: [okAlarm("shop-5xx"), okAlarm("shop-slo-latency")], missing: [], history: [] },
    },
    green: { ok: true, value: healthyCluster("shop-1-31", "1.31") },
    ...change,
  };
}

const codes = (obs: Observation, p = PLAN) => preflight(p, obs).map((f) => `${f.severity}:${f.code}`);

describe("preflight", () => {
  it("finds nothing wrong in a healthy world, and reports each pair and the alarms as info", () => {
    const found = codes(observation());
    expect(found.filter((c) => !c.startsWith("info:"))).toEqual([]);
    expect(found).toEqual([
      "info:green-ready",
      "info:record-found",
      "info:record-found",
      "info:alarms-found",
    ]);
  });

  it("stops on a missing, inactive or wrong-version green cluster", () => {
    const missing = { ...healthyCluster("shop-1-31", "1.31"), exists: false };
    expect(codes(observation({ green: { ok: true, value: missing } }))).toContain(
      "error:green-cluster-missing",
    );
    const updating = healthyCluster("shop-1-31", "1.31", { status: "UPDATING" });
    expect(codes(observation({ green: { ok: true, value: updating } }))).toContain("error:green-not-active");
    const old = healthyCluster("shop-1-31", "1.30");
    expect(codes(observation({ green: { ok: true, value: old } }))).toContain("error:green-wrong-version");
  });

  it("checks node groups and add-ons: all of them by default, only the listed ones when the plan lists some", () => {
    const sick = healthyCluster("shop-1-31", "1.31", {
      nodegroups: [
        { name: "general", status: "ACTIVE", version: "1.31", issues: [], scaling: undefined },
        {
          name: "batch",
          status: "DEGRADED",
          version: "1.31",
          issues: [{ code: "Ec2LaunchTemplateNotFound", message: "gone" }],
          scaling: undefined,
        },
      ],
      addons: [{ name: "coredns", status: "DEGRADED", version: "v1", issues: [] }],
    });
    const all = codes(observation({ green: { ok: true, value: sick } }));
    expect(all).toEqual(expect.arrayContaining(["error:nodegroup-unhealthy", "error:addon-unhealthy"]));
    const listed = plan((p) =>
      Object.assign((p.clusters as { green: object }).green, {
        nodegroups: ["general", "spot"],
        addons: ["vpc-cni"],
      }),
    );
    const some = codes(observation({ green: { ok: true, value: sick } }), listed);
    expect(some).toContain("error:nodegroup-missing");
    expect(some).toContain("error:addon-missing");
    expect(some).not.toContain("error:nodegroup-unhealthy");
    expect(some).not.toContain("error:addon-unhealthy");
  });

  it("turns ERROR insights into errors and WARNING ones into warnings", () => {
    const insights = healthyCluster("shop-1-31", "1.31", {
      insights: [
        {
          id: "i1",
          name: "Deprecated APIs",
          category: "UPGRADE_READINESS",
          status: "ERROR",
          reason: "uses v1beta1",
        },
        { id: "i2", name: "Kubelet skew", category: "UPGRADE_READINESS", status: "WARNING", reason: "skew" },
        { id: "i3", name: "Add-on compat", category: "UPGRADE_READINESS", status: "PASSING", reason: "" },
      ],
    });
    expect(codes(observation({ green: { ok: true, value: insights } }))).toEqual(
      expect.arrayContaining(["error:insight-error", "warning:insight-warning"]),
    );
  });

  it("reports a missing record, an unknown zone, and live weights that are not all on blue", () => {
    const [first, second] = allOnBlue(recordPairs(PLAN));
    const noGreen = { ...first!, green: undefined };
    const noZone = { ...second!, zoneId: undefined, blue: undefined, green: undefined };
    expect(codes(observation({ traffic: { ok: true, value: [noGreen, noZone] } }))).toEqual(
      expect.arrayContaining(["error:record-missing", "error:zone-not-found"]),
    );
    const shifted = {
      ...first!,
      blue: record(first!.pair, "shop-blue", 80),
      green: record(first!.pair, "shop-green", 20),
    };
    const zeros = { ...second!, blue: record(second!.pair, "b", 0), green: record(second!.pair, "g", 0) };
    const found = preflight(PLAN, observation({ traffic: { ok: true, value: [shifted, zeros] } }));
    // Not all-blue refuses the start (H2): the first shift would overwrite another writer's weights.
    expect(found.find((f) => f.code === "weights-not-all-blue")).toMatchObject({ severity: "error" });
    expect(found.find((f) => f.code === "weights-not-all-blue")!.message).toContain("20%");
    expect(found.find((f) => f.code === "weights-not-all-blue")!.message).toContain("--adopt-live");
    expect(found.find((f) => f.code === "weights-all-zero")).toMatchObject({ severity: "warning" });
    const adopting = preflight(PLAN, observation({ traffic: { ok: true, value: [shifted, zeros] } }), {
      adoptLive: true,
    });
    expect(adopting.find((f) => f.code === "weights-not-all-blue")).toMatchObject({ severity: "warning" });
  });

  it("warns when a bake is shorter than a record's TTL", () => {
    const longTtl = allOnBlue(recordPairs(PLAN), 3600);
    expect(codes(observation({ traffic: { ok: true, value: longTtl } }))).toContain(
      "warning:bake-shorter-than-ttl",
    );
    expect(codes(observation())).not.toContain("warning:bake-shorter-than-ttl");
  });

  it("stops on a missing alarm or one already in ALARM; INSUFFICIENT_DATA follows the plan's policy", () => {
    const alarms = (list: ReturnType<typeof okAlarm>[], missing: string[] = []) => ({
      alarms: { ok: true as const, value: { alarms: list, missing, history: [] } },
    });
    expect(codes(observation(alarms([okAlarm("shop-5xx")], ["shop-slo-"])))).toContain("error:alarm-missing");
    expect(codes(observation(alarms([okAlarm("shop-5xx", "ALARM")])))).toContain("error:alarm-firing");
    expect(codes(observation(alarms([okAlarm("shop-5xx", "INSUFFICIENT_DATA")])))).toContain(
      "warning:alarm-insufficient-data",
    );
    const failing = plan((p) => (p.alarms = { names: ["shop-5xx"], insufficientData: "fail" }));
    expect(codes(observation(alarms([okAlarm("shop-5xx", "INSUFFICIENT_DATA")])), failing)).toContain(
      "error:alarm-insufficient-data",
    );
    const ignoring = plan((p) => (p.alarms = { names: ["shop-5xx"], insufficientData: "ignore" }));
    expect(
      codes(observation(alarms([okAlarm("shop-5xx", "INSUFFICIENT_DATA")])), ignoring).some((c) =>
        c.includes("insufficient"),
      ),
    ).toBe(false);
  });

  it("turns any unreadable part into an error naming it", () => {
    const found = codes({
      traffic: { ok: false, error: "AccessDenied" },
      alarms: { ok: false, error: "Throttling" },
      green: { ok: false, error: "timeout" },
      kubernetes: { ok: false, error: "connection refused" },
    });
    expect(found).toEqual([
      "error:green-unreadable",
      "error:traffic-unreadable",
      "error:alarms-unreadable",
      "error:kubernetes-unreadable",
    ]);
  });
});
