import { describe, expect, it } from "vitest";
import { buildPreview } from "../../src/preview/preview.ts";
import { buildChangeBatches, FROM_LIVE } from "../../src/preview/batches.ts";
import { renderPreview } from "../../src/preview/render.ts";
import { observe } from "../../src/runner/observe.ts";
import { recordPairs } from "../../src/engine/targets.ts";
import { runPlan } from "../../src/cli/commands/plan.ts";
import { parsePlan, loadPlan } from "../../src/plan/load.ts";
import { toYaml, validPlan } from "../plan/support.ts";
import { allOnBlue, fakePorts, healthyCluster, okAlarm, testContext } from "./support.ts";

const PLAN = parsePlan(toYaml(validPlan()), "p.yaml");

describe("timeline", () => {
  it("lists every step with weights, bake, gate and earliest cumulative time", () => {
    const p = buildPreview(PLAN);
    expect(p.timeline).toEqual([
      {
        step: 1,
        blue: 90,
        green: 10,
        bakeSeconds: 300,
        approval: false,
        startsAtSeconds: 0,
        bakedAtSeconds: 300,
      },
      {
        step: 2,
        blue: 50,
        green: 50,
        bakeSeconds: 600,
        approval: false,
        startsAtSeconds: 300,
        bakedAtSeconds: 900,
      },
      {
        step: 3,
        blue: 0,
        green: 100,
        bakeSeconds: 600,
        approval: true,
        startsAtSeconds: 900,
        bakedAtSeconds: 1500,
      },
    ]);
    expect(p.completeAtSeconds).toBe(1500);
    expect(p.retire).toEqual({
      mode: "keep",
      afterSeconds: 86_400,
      approval: false,
      earliestSeconds: 900 + 86_400,
    });
  });

  it("always gates deleting blue on an approval", async () => {
    const production = await loadPlan("plans/production.yaml");
    expect(buildPreview(production).retire).toMatchObject({ mode: "delete", approval: true });
  });
});

describe("change batches", () => {
  it("offline: one batch per zone per step, with copied fields marked", () => {
    const batches = buildChangeBatches(PLAN);
    expect(batches.exact).toBe(false);
    expect(batches.note).toContain(FROM_LIVE);
    const step1 = batches.steps[0]!;
    expect(step1.batches.map((b) => b.zoneId)).toEqual(["Z0EXAMPLE1", "<zone id of example.org>"]);
    const [blue, green] = step1.batches[0]!.changes.map(
      (c) => c.ResourceRecordSet as unknown as Record<string, unknown>,
    );
    expect(blue).toMatchObject({
      Name: "shop.example.com.",
      SetIdentifier: "shop-blue",
      Weight: 90,
      TTL: FROM_LIVE,
      ResourceRecords: FROM_LIVE,
    });
    expect(green).toMatchObject({ SetIdentifier: "shop-green", Weight: 10, TTL: FROM_LIVE });
    expect(batches.steps[2]!.batches[0]!.changes.map((c) => c.ResourceRecordSet!.Weight)).toEqual([0, 100]);
  });

  it("live: exactly what the adapter sends, every field but the weight copied from the record", () => {
    const live = allOnBlue(recordPairs(PLAN), 300);
    const batches = buildChangeBatches(PLAN, live);
    expect(batches.exact).toBe(true);
    const change = batches.steps[1]!.batches[0]!.changes[1]!;
    expect(change).toEqual({
      Action: "UPSERT",
      ResourceRecordSet: { ...live[0]!.green, Weight: 50 },
    });
  });

  it("live but incomplete: falls back to the plan and says why", () => {
    const live = allOnBlue(recordPairs(PLAN));
    live[0] = { ...live[0]!, green: undefined };
    const batches = buildChangeBatches(PLAN, live);
    expect(batches.exact).toBe(false);
    expect(batches.note).toContain("not found in Route 53");
  });
});

describe("preview", () => {
  it("counts the worst-case detection time from what the tool controls", () => {
    const d = buildPreview(PLAN).detection;
    expect(d.worstCaseSeconds).toBe(60 + 30 + 5);
    expect(d.notCounted.join(" ")).toContain("CloudWatch alarm evaluation");
    const none = parsePlan(toYaml({ ...validPlan(), alarms: { names: [] } }), "p.yaml");
    expect(buildPreview(none).detection.worstCaseSeconds).toBeNull();
    const live = buildPreview(PLAN, {
      traffic: { ok: true, value: allOnBlue(recordPairs(PLAN), 300) },
      alarms: { ok: true, value: { alarms: [], missing: [], history: [] } },
      green: { ok: true, value: healthyCluster("shop-1-31", "1.31") },
    });
    expect(live.detection.notCounted.join(" ")).toContain("up to 300s live");
  });

  it("turns plan warnings into warning findings", () => {
    const single = parsePlan(toYaml({ ...validPlan(), steps: [{ green: 100 }] }), "p.yaml");
    const p = buildPreview(single);
    expect(p.findings[0]).toMatchObject({
      severity: "warning",
      code: "single-step",
      subject: "steps[0].green",
    });
    expect(p.summary).toEqual({ errors: 0, warnings: 1, infos: 1 });
  });

  it("renders aligned, readable text with every section", () => {
    const text = renderPreview(buildPreview(PLAN));
    expect(text).toContain("STEP  BLUE  GREEN  BAKE  GATE      EARLIEST");
    expect(text).toMatch(/^ {3}3 {4}0% {3}100% {2}10m {3}approval {2}T\+15m/m);
    expect(text).toContain("Worst-case time to detect a regression: 1m35s");
    expect(text).toContain("Change windows: mon,tue,wed,thu,fri 09:00-17:00 Europe/Berlin");
    expect(text).toContain("Findings (0 errors, 0 warnings, 1 info)");
  });

  it("caps the text at a readable number of changes per step for huge plans", () => {
    const p = validPlan();
    (p.traffic as { records: unknown[] }).records = Array.from({ length: 100 }, (_, i) => ({
      zoneId: "Z0EXAMPLE1",
      name: `r${i}.example.com`,
      blue: "b",
      green: "g",
    }));
    const text = renderPreview(buildPreview(parsePlan(toYaml(p), "p.yaml")));
    expect(text).toContain("… and 176 more changes (--output json lists them all)");
  });
});

describe("plan command with live ports", () => {
  const world = () =>
    fakePorts({
      cluster: healthyCluster("shop-1-31", "1.31"),
      alarms: (s) => ({
        alarms: [...s.names, ...s.prefixes.map((x) => `${x}a`)].map((n) => okAlarm(n)),
        missing: [],
      }),
    });

  it("exits 0 on a healthy world, with exact batches and no write through any port", async () => {
    const { ports, calls } = world();
    const { ctx } = testContext("json");
    const result = await runPlan({ file: "plans/minimal.yaml", offline: false }, ctx, async () => ports);
    expect(result.exitCode).toBe(0);
    const json = result.json as ReturnType<typeof buildPreview>;
    expect(json.mode).toBe("live");
    expect(json.changeBatches.exact).toBe(true);
    expect(json.findings.map((f) => f.code)).toEqual([
      "green-ready",
      "record-found",
      "alarms-found",
      "readiness-needs-kubernetes",
    ]);
    expect(calls.every((c) => /^(traffic\.read|alarms\.describe|clusters\.describe)/.test(c))).toBe(true);
  });

  it("exits 4 when preflight finds an error (alarm already firing)", async () => {
    const { ports } = fakePorts({
      cluster: healthyCluster("shop-1-31", "1.31"),
      alarms: () => ({ alarms: [okAlarm("shop-5xx-rate", "ALARM")], missing: [] }),
    });
    const { ctx, printed } = testContext();
    const result = await runPlan({ file: "plans/minimal.yaml", offline: false }, ctx, async () => ports);
    expect(result.exitCode).toBe(4);
    expect(printed()).toContain("error     alarm-firing");
    expect(printed()).toContain("Preflight has errors: the upgrade would not start (exit 4).");
  });

  it("observes with the same rules the first tick uses", async () => {
    const { ports } = world();
    const plan = await loadPlan("plans/minimal.yaml");
    const preview = buildPreview(plan, await observe(ports, plan));
    expect(preview.summary.errors).toBe(0);
  });
});
