/**
 * `report` through the built CLI, opened in headless Chromium: a rolled-back upgrade (and a completed
 * one with an approval) renders without console errors, its charts are drawn, the numbers on the page
 * match the state, and nothing is fetched. A missing or damaged state exits 4. A 1,000-pair plan with
 * a long history stays under 2 MB.
 */
import type { EventType } from "../../src/engine/vocabulary.ts";
import { execFile } from "node:child_process";
import { readFile, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { reportData } from "../../src/report/data.ts";
import { renderReport } from "../../src/report/html.ts";
import { seriesLimit } from "../../src/engine/analysis.ts";
import { newState, type EventRecord, type UpgradeState } from "../../src/engine/state.ts";
import { testPlan } from "../support/fake-world.ts";
import type { PlanInput } from "../../src/plan/schema.ts";
import { BIN, compressedPlan, setup, type Env } from "../cli/harness.ts";
import { openReport } from "./chromium.ts";

let env: Env | undefined;
afterEach(async () => {
  await env?.close();
  env = undefined;
});

async function stateOf(e: Env): Promise<UpgradeState> {
  const r = await e.cli(["--output", "json", "history", "plan.yaml"]);
  expect(r.code).toBe(0);
  return r.json;
}

describe("report", () => {
  it("a rolled-back upgrade: drawn charts, no console errors, the state's numbers, nothing fetched", async () => {
    env = await setup();
    await env.cli(["advance", "plan.yaml"]);
    env.sandbox.world.cloudwatch.setAlarmState("shop-5xx", "ALARM", "5xx above 1%");
    expect((await env.cli(["advance", "plan.yaml"])).code).toBe(3);
    const r = await env.cli(["--output", "json", "report", "plan.yaml"]);
    expect(r.code).toBe(0);
    expect(r.json.out).toBe(join(env.dir, "e2e-report.html"));
    const history = await stateOf(env);

    const page = await openReport(r.json.out);
    expect(page.consoleErrors).toEqual([]);
    expect(page.requests).toEqual([]);
    expect(page.charts).toBe("drawn");
    expect(page.inkedPixels.length).toBeGreaterThanOrEqual(2); // uPlot's canvas and the swim lanes
    for (const n of page.inkedPixels) expect(n).toBeGreaterThan(500);
    expect(page.fields).toMatchObject({
      phase: "rolled-back",
      step: "0",
      writtenGreen: "0",
      events: String(history.events.length),
    });
    expect(page.eventRows).toBe(history.events.length);
    const html = await readFile(r.json.out, "utf8");
    expect(html).toContain("shop-5xx");
    expect(html).toContain("Rolling back to blue");
  });

  it(
    "a completed upgrade with an approval shows who approved, and --out names the file",
    { timeout: 60_000 },
    async () => {
      env = await setup(
        compressedPlan({
          steps: [
            { green: 50, bake: "1s" },
            { green: 100, bake: "1s", approval: true },
          ],
        }),
      );
      let code = 0;
      for (let i = 0; i < 20 && code === 0; i++) {
        code = (await env.cli(["advance", "plan.yaml"])).code;
        if (code === 0) await new Promise((done) => setTimeout(done, 300));
      }
      expect(code).toBe(4); // the gate before step 2
      await env.cli(["approve", "plan.yaml", "--by", "alice"]);
      expect((await env.cli(["run", "plan.yaml"])).code).toBe(0);
      const r = await env.cli(["report", "plan.yaml", "--out", "done.html"]);
      expect(r.code).toBe(0);
      const page = await openReport(join(env.dir, "done.html"));
      expect(page.consoleErrors).toEqual([]);
      expect(page.fields).toMatchObject({ phase: "completed", writtenGreen: "100" });
      expect(page.approvalRows).toBe(1);
      expect(await readFile(join(env.dir, "done.html"), "utf8")).toContain("alice");
    },
  );

  it("renders the demo's two upgrades (completed, rolled back)", { timeout: 150_000 }, async () => {
    const demo = await new Promise<{ code: number; stdout: string }>((done) => {
      execFile(
        process.execPath,
        [BIN, "--output", "json", "demo", "--fast"],
        { env: { PATH: process.env.PATH ?? "" }, timeout: 120_000 },
        (error, stdout) => done({ code: error ? Number(error.code ?? 1) : 0, stdout }),
      );
    });
    expect(demo.code).toBe(0);
    const { dir, upgrades } = JSON.parse(demo.stdout) as {
      dir: string;
      upgrades: { plan: string; phase: string }[];
    };
    try {
      for (const u of upgrades) {
        const r = await new Promise<number>((done) =>
          execFile(
            process.execPath,
            [BIN, "report", `${u.plan}.yaml`],
            { cwd: dir, env: { PATH: process.env.PATH ?? "", HOME: dir } },
            (e) => done(e ? Number(e.code ?? 1) : 0),
          ),
        );
        expect(r).toBe(0);
        const page = await openReport(join(dir, `${u.plan}-report.html`));
        expect(page.consoleErrors).toEqual([]);
        expect(page.charts).toBe("drawn");
        expect(page.fields.phase).toBe(u.phase);
        for (const n of page.inkedPixels) expect(n).toBeGreaterThan(500);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("a plan with analysis: one chart per metric with blue and green, one point per evaluation, its numbers those of the state", async () => {
    env = await setup(analysisPlan());
    const model = env.sandbox.world.traffic.describe()!;
    env.sandbox.world.traffic.configure({
      record: model.record,
      loadBalancers: model.loadBalancers,
      rules: [{ side: "green", greenAtLeast: 50, errorRate: 0.2 }],
    });
    expect((await env.cli(["--output", "json", "run", "plan.yaml"])).code).toBe(3);
    const history = await stateOf(env);
    const r = await env.cli(["--output", "json", "report", "plan.yaml"]);
    expect(r.code).toBe(0);
    const page = await openReport(r.json.out);
    expect(page.consoleErrors).toEqual([]);
    expect(page.requests).toEqual([]);
    expect(page.charts).toBe("drawn");

    // Every evaluation in the evidence, per side: `analysis` events (at the event's time, `{ value }`)
    // and the last evaluations carried by the rollback (with their own time, plain numbers), and the
    // state's series of every evaluation (the event log records verdict changes only).
    const expected = new Map<string, { green: number | null; blue: number | null }>();
    const state = JSON.parse(
      await readFile(join(env.dir, ".eks-bluegreen/e2e/state.json"), "utf8"),
    ) as UpgradeState;
    const series = state.analysis?.series?.["error-rate"] ?? [];
    // One evaluation per GetMetricData call (one metric, no split query): each is in the series.
    const evaluations = env.sandbox.calls.filter((c) => c.operation === "GetMetricData").length;
    expect(series).toHaveLength(evaluations);
    for (const p of series) expected.set(new Date(p.at).toISOString(), { green: p.green, blue: p.blue });
    const side = (v: unknown) =>
      v && typeof v === "object" ? ((v as { value: number | null }).value ?? null) : ((v as number) ?? null);
    for (const e of history.events) {
      for (const a of (e.evidence as { analysis?: Record<string, unknown>[] })?.analysis ?? []) {
        expect(a.metric).toBe("error-rate");
        const at = new Date((a.at as string | undefined) ?? e.at).toISOString();
        expected.set(at, { green: side(a.green), blue: side(a.blue) });
      }
    }
    const failed = history.events.find(
      (e) =>
        e.type === "analysis" &&
        (e.evidence as { analysis: { verdict: string }[] }).analysis.some((a) => a.verdict === "fail"),
    )!;
    expect(failed).toBeDefined();
    // The chart has every evaluation, not only the logged changes (that there are more evaluations than
    // `analysis` events depends on timing here; test/report/metric-series.test.ts shows it exactly).
    expect(expected.size).toBe(evaluations);

    expect(page.metricCharts).toHaveLength(1);
    const [chart] = page.metricCharts;
    expect(chart!.metric).toBe("error-rate");
    const values = [...expected.values()];
    expect(chart!.points).toBe(
      values.filter((v) => v.green !== null).length + values.filter((v) => v.blue !== null).length,
    );
    expect(chart!.points).toBeGreaterThanOrEqual(2);
    expect(chart!.inked).toBeGreaterThan(500);
    expect(page.metricValues.map(({ at, green, blue }) => [at, { green, blue }])).toEqual(
      [...expected.entries()].sort(([a], [b]) => a.localeCompare(b)),
    );
    // The failed evaluation's numbers, green worse than blue, are on the page.
    const failedRow = page.metricValues.find((v) => v.at === new Date(failed.at).toISOString())!;
    const evidence = (
      failed.evidence as { analysis: { green: { value: number }; blue: { value: number } }[] }
    ).analysis[0]!;
    expect(failedRow).toMatchObject({ green: evidence.green.value, blue: evidence.blue.value });
    expect(failedRow.green!).toBeGreaterThan(failedRow.blue!);
  }, 60_000);

  it("a missing or damaged state is a clear error, exit 4", async () => {
    env = await setup();
    let r = await env.cli(["report", "plan.yaml"]);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/No state of e2e/);
    await env.cli(["advance", "plan.yaml"]);
    await writeFile(join(env.dir, ".eks-bluegreen/e2e/state.json"), "{ not json");
    r = await env.cli(["report", "plan.yaml"]);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/not valid JSON/);
  });

  it("a 1,000-pair plan with a long history and a full metric series stays under 2 MB and renders", async () => {
    const records = Array.from({ length: 1000 }, (_, i) => ({
      zoneId: "Z1",
      name: `svc-${i}.example.com.`,
      blue: "blue",
      green: "green",
    }));
    const plan = testPlan({ traffic: { records } });
    const state = newState(plan, new Date("2026-01-01T00:00:00Z"));
    const weights = (g: number) =>
      records.map((r) => ({ name: `${r.name} A`, blue: 100 - g, green: g, percent: g }));
    let t = Date.parse("2026-01-01T00:00:00Z");
    const events: EventRecord[] = [];
    const push = (type: EventType, extra: Partial<EventRecord> = {}) => {
      t += 30_000;
      events.push({
        seq: events.length + 1,
        at: new Date(t).toISOString(),
        type,
        step: 1,
        message: `${type} happened`,
        ...extra,
      });
    };
    push("created");
    for (let round = 0; round < 150; round++) {
      push("shift-started", { step: 1, evidence: { alarms: [{ name: "errors", state: "OK" }] } });
      push("shift-submitted", { evidence: { changeIds: ["C1"] } });
      push("drift", { evidence: { weights: weights(round % 2 ? 10 : 7), expectedGreen: 10 } });
      push("hold", {
        evidence: {
          alarms: [
            { name: "errors", state: "INSUFFICIENT_DATA" },
            { name: "latency", state: "OK" },
          ],
        },
      });
      push("resumed");
      push("adopted", { evidence: { weights: weights(10) } });
    }
    push("rollback-started", {
      evidence: { alarms: [{ name: "errors", state: "ALARM" }], weights: weights(10) },
    });
    push("rolled-back");
    // A full metric series as the state bounds it (10 metrics x 240 evaluations, seriesLimit).
    const series = Object.fromEntries(
      Array.from({ length: 10 }, (_, m) => [
        `metric-${m}`,
        Array.from({ length: seriesLimit(10) }, (_, i) => ({
          at: new Date(Date.parse("2026-01-01T00:00:00Z") + i * 60_000).toISOString(),
          blue: 0.1234567 + i / 1000,
          green: 0.2345678 + i / 1000,
          verdict: "pass" as const,
        })),
      ]),
    );
    const full: UpgradeState = {
      ...state,
      phase: "rolled-back",
      events,
      updatedAt: new Date(t).toISOString(),
      analysis: { series },
    };
    const { readFileSync } = await import("node:fs");
    const { createRequire } = await import("node:module");
    const req = createRequire(import.meta.url);
    const dir = req.resolve("uplot/package.json").replace(/package\.json$/, "dist/");
    const html = renderReport(reportData(full, plan, new Date(t)), plan.doc, {
      js: readFileSync(`${dir}uPlot.iife.min.js`, "utf8"),
      css: readFileSync(`${dir}uPlot.min.css`, "utf8"),
    });
    const bytes = Buffer.byteLength(html);
    expect(bytes).toBeLessThan(2 * 1024 * 1024);
    const file = join((await import("node:os")).tmpdir(), `ebg-report-big-${process.pid}.html`);
    await writeFile(file, html);
    expect((await stat(file)).size).toBe(bytes);
    const page = await openReport(file);
    expect(page.consoleErrors).toEqual([]);
    expect(page.fields).toMatchObject({ phase: "rolled-back", events: String(events.length) });
    expect(page.eventRows).toBe(events.length);
    for (const n of page.inkedPixels) expect(n).toBeGreaterThan(500);
    expect(page.metricCharts).toHaveLength(10);
    expect(page.metricValues).toHaveLength(10 * seriesLimit(10));
  });
});

const alb = (name: string) => [{ name: "LoadBalancer", value: name }];

/** The sandbox's traffic model with a green-versus-blue 5xx rate metric (as test/cli/analysis-wiring). */
function analysisPlan(): PlanInput {
  const stat = (metricName: string) => ({
    namespace: "AWS/ApplicationELB",
    metricName,
    dimensions: alb("{{alb}}"),
    stat: "Sum",
    period: 1,
  });
  return compressedPlan({
    steps: [
      { green: 10, bake: "4s" }, // several evaluations of one verdict: one `analysis` event
      { green: 50, bake: "6s" },
      { green: 100, bake: "1s" },
    ],
    rollback: { holdTimeout: "5m" },
    analysis: {
      interval: "1s",
      variables: { blue: { alb: "app/blue-alb/1" }, green: { alb: "app/green-alb/2" } },
      metrics: [
        {
          name: "error-rate",
          queries: [
            { id: "errors", metricStat: stat("HTTPCode_Target_5XX_Count") },
            { id: "requests", metricStat: stat("RequestCount") },
            { id: "rate", expression: "100 * FILL(errors, 0) / requests" },
          ],
          compare: { direction: "higher-is-worse", maxRatio: 1.5, maxIncrease: 0.5 },
          minData: { datapoints: 2 },
          failureLimit: 0,
          inconclusiveLimit: 20,
          window: "3s",
        },
      ],
    },
  });
}
