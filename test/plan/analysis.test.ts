/**
 * The plan's `analysis` section: what validation refuses (exit 2, with file, line, column and fix), and a
 * property that random analysis sections never crash loading.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { Plan, type PlanDoc } from "../../src/plan/schema.ts";
import { validatePlan } from "../../src/plan/validate.ts";
import { parsePlan } from "../../src/plan/load.ts";
import { ExitCode, PlanError } from "../../src/errors.ts";
import { isKnownStatistic, expressionIds, renameIds } from "../../src/plan/analysis-text.ts";
import { planError, toYaml, validPlan } from "./support.ts";
import { analysisPlan } from "../analysis/fixtures.ts";

type Obj = Record<string, unknown>;

const metric = (p: Obj) => ((p.analysis as Obj).metrics as Obj[])[0]!;
const queries = (p: Obj) => metric(p).queries as Obj[];
const stat = (p: Obj, i: number) => queries(p)[i]!.metricStat as Obj;

function doc(change: (plan: Obj) => void = () => {}): PlanDoc {
  const plan = analysisPlan();
  change(plan);
  return Plan.parse(plan);
}
const codes = (d: PlanDoc) => validatePlan(d).errors.map((e) => e.code);

describe("analysis: the valid section", () => {
  it("is accepted with its defaults (ALB-friendly: 60s Sum, 5m window, 1m interval)", () => {
    const d = doc();
    expect(validatePlan(d)).toEqual({ errors: [], warnings: [] });
    expect(d.analysis!.interval).toBe("1m");
    expect(d.analysis!.metrics[0]).toMatchObject({
      window: "5m",
      failureLimit: 2,
      consecutiveErrorLimit: 4,
      mustHaveData: false,
    });
    expect(d.analysis!.metrics[0]!.queries[1]!.metricStat).toMatchObject({ stat: "Sum", period: 60 });
    expect(d.analysis!.split).toMatchObject({
      window: "3m",
      maxConvergence: "15m",
      onNoConvergence: "pause",
    });
  });

  it("silences the no-alarms warning when metric gates judge green", () => {
    const plain = Plan.parse({ ...validPlan(), alarms: { names: [] } });
    expect(validatePlan(plain).warnings.map((w) => w.code)).toEqual(["no-alarms"]);
    const gated = doc((p) => (p.alarms = { names: [] }));
    expect(validatePlan(gated).warnings).toEqual([]);
  });
});

describe("analysis: refused at validation", () => {
  it("a metric with neither a threshold nor a comparison", () => {
    expect(codes(doc((p) => delete metric(p).compare && delete metric(p).test))).toEqual([
      "analysis-no-judgement",
    ]);
    // An empty threshold judges nothing either.
    expect(
      codes(
        doc((p) => {
          delete metric(p).compare;
          delete metric(p).test;
          metric(p).threshold = {};
        }),
      ),
    ).toEqual(["analysis-no-judgement"]);
    // A threshold alone is enough.
    expect(
      codes(
        doc((p) => {
          delete metric(p).compare;
          delete metric(p).test;
          metric(p).threshold = { max: 5 };
        }),
      ),
    ).toEqual([]);
  });

  it("two queries with the same id", () => {
    expect(codes(doc((p) => queries(p).splice(1, 0, structuredClone(queries(p)[0]!))))).toEqual([
      "duplicate-query-id",
    ]);
  });

  it("an expression that names an unknown id, or its own", () => {
    const d = doc((p) => (queries(p)[2]!.expression = "100 * errors / reqests"));
    expect(codes(d)).toEqual(["unknown-query-id"]);
    expect(validatePlan(d).errors[0]!.hint).toBe('did you mean "requests"?');
    expect(codes(doc((p) => (queries(p)[2]!.expression = "rate + 1")))).toEqual(["unknown-query-id"]);
    expect(codes(doc((p) => ((metric(p).minData as Obj).requests = { query: "reqs", min: 1 })))).toEqual([
      "unknown-query-id",
    ]);
  });

  it("reads ids outside quoted strings only, and functions are not ids", () => {
    expect(expressionIds("IF(requests > 0, 100 * errors / requests, 0)")).toEqual(["requests", "errors"]);
    expect(expressionIds(`SEARCH('{AWS/ApplicationELB,LoadBalancer} lb="{{alb}}"', 'Sum', 60)`)).toEqual([]);
    expect(expressionIds("FILL(m1, REPEAT) * 1e3")).toEqual(["m1"]);
    expect(renameIds("SUM([a, b]) / a + 'a'", (id) => `g0_${id}`)).toBe("SUM([g0_a, g0_b]) / g0_a + 'a'");
  });

  it("a template variable a side does not define", () => {
    const d = doc((p) => delete ((p.analysis as Obj).variables as { green: Obj }).green.alb);
    expect(codes(d)).toEqual(["unknown-variable", "unknown-variable", "unknown-variable"]);
    expect(validatePlan(d).errors[0]!.message).toBe("{{alb}} is not defined for green");
    expect(codes(doc((p) => ((stat(p, 0).dimensions as Obj[])[0]!.value = "{{albb}}")))).toEqual([
      "unknown-variable",
    ]);
    expect(codes(doc((p) => ((stat(p, 0).dimensions as Obj[])[0]!.value = "{{alb")))).toEqual([
      "unknown-variable",
    ]);
    // {{cluster}} is built in.
    expect(codes(doc((p) => ((stat(p, 0).dimensions as Obj[])[0]!.value = "{{cluster}}-lb")))).toEqual([]);
  });

  it("a window shorter than the period", () => {
    expect(codes(doc((p) => (metric(p).window = "30s")))).toEqual(["window-shorter-than-period"]);
    expect(
      codes(
        doc((p) => ((p.analysis as Obj).split = { ...((p.analysis as Obj).split as Obj), window: "59s" })),
      ),
    ).toEqual(["window-shorter-than-period"]);
    expect(codes(doc((p) => (metric(p).window = "1m")))).toEqual([]);
  });

  it("a statistic CloudWatch does not know, and a period it does not have", () => {
    const d = doc((p) => (stat(p, 0).stat = "Avg"));
    expect(codes(d)).toEqual(["unknown-statistic"]);
    expect(validatePlan(d).errors[0]!.hint).toContain("use Sum, Average");
    expect(codes(doc((p) => (stat(p, 0).stat = "p999")))).toEqual(["unknown-statistic"]);
    expect(validatePlan(doc((p) => (stat(p, 0).stat = "median"))).errors[0]!.hint).toMatch(
      /^did you mean "p50"\?/,
    );
    expect(codes(doc((p) => (stat(p, 0).period = 45)))).toEqual(["invalid-period"]);
  });

  it("knows CloudWatch's statistics", () => {
    const known = [
      "Sum",
      "Average",
      "Minimum",
      "Maximum",
      "SampleCount",
      "IQM",
      "p99",
      "p99.9",
      "p50",
      "p100",
    ];
    const more = [
      "tm99",
      "wm90",
      "tc90",
      "ts99.5",
      "TM(10%:90%)",
      "TM(150:1000)",
      "PR(:300)",
      "WM(:95%)",
      "tm(5%:95%)",
    ];
    for (const s of [...known, ...more]) expect(isKnownStatistic(s), s).toBe(true);
    for (const s of ["Avg", "sum", "p101", "p", "P99", "TM(:)", "TM(10%:190%)", "p99.", "median"]) {
      expect(isKnownStatistic(s), s).toBe(false);
    }
  });

  it("a query with neither or both forms, a test without a comparison, an inverted threshold, a METRICS() expression", () => {
    expect(codes(doc((p) => delete queries(p)[0]!.metricStat))).toEqual(["query-form"]);
    expect(codes(doc((p) => (queries(p)[0]!.expression = "requests")))).toEqual(["query-form"]);
    expect(
      codes(
        doc((p) => {
          delete metric(p).compare;
          metric(p).threshold = { max: 1 };
        }),
      ),
    ).toEqual(["test-needs-compare"]);
    expect(codes(doc((p) => (metric(p).threshold = { min: 2, max: 1 })))).toEqual(["threshold-inverted"]);
    expect(codes(doc((p) => (queries(p)[2]!.expression = "SUM(METRICS())")))).toEqual(["metrics-function"]);
  });

  it("a binomial test without its count and total queries, or naming unknown ones", () => {
    expect(codes(doc((p) => (metric(p).test = { kind: "binomial", count: "errors" })))).toEqual([
      "test-needs-counts",
    ]);
    expect(
      codes(doc((p) => (metric(p).test = { kind: "binomial", count: "errs", total: "requests" }))),
    ).toEqual(["unknown-query-id"]);
    expect(
      codes(doc((p) => (metric(p).test = { kind: "binomial", count: "errors", total: "requests" }))),
    ).toEqual([]);
  });

  it("two metrics with one name; a fromStep past the last step is a warning", () => {
    expect(
      codes(doc((p) => ((p.analysis as Obj).metrics as Obj[]).push(structuredClone(metric(p))))),
    ).toEqual(["duplicate-metric-name"]);
    const late = doc((p) => (metric(p).fromStep = 9));
    expect(validatePlan(late).warnings.map((w) => w.code)).toEqual(["metric-never-applies"]);
  });

  it("names file, line, column and the fix, and exits 2", () => {
    const plan = analysisPlan();
    stat(plan, 0).stat = "Avg";
    const text = toYaml(plan);
    const error = planError(text, "gates.yaml");
    expect(error.exitCode).toBe(ExitCode.Usage);
    const issue = error.issues.find((i) => i.code === "unknown-statistic")!;
    expect(issue.path).toBe("analysis.metrics[0].queries[0].metricStat.stat");
    const line = text.split("\n").findIndex((l) => l.includes("stat: Avg")) + 1;
    expect(issue).toMatchObject({ line, column: text.split("\n")[line - 1]!.indexOf("Avg") + 1 });
    expect(error.message).toContain(`gates.yaml:${line}:`);
    expect(error.message).toContain('did you mean "Average"?');
  });
});

describe("analysis: the built CLI (npm run build first)", () => {
  it("refuses a broken metric gate in plans/metric-gates.yaml with exit 2, file:line:column and the fix", () => {
    const text = readFileSync("plans/metric-gates.yaml", "utf8").replace("stat: p99", "stat: p99.x");
    const file = join(mkdtempSync(join(tmpdir(), "gates-")), "gates.yaml");
    writeFileSync(file, text);
    const r = spawnSync(process.execPath, ["bin/eks-bluegreen.js", "plan", "--offline", file], {
      encoding: "utf8",
    });
    expect(r.status).toBe(2);
    const line = text.split("\n").findIndex((l) => l.includes("stat: p99.x")) + 1;
    expect(r.stderr).toContain(
      `gates.yaml:${line}:19: analysis.metrics[1].queries[1].metricStat.stat: CloudWatch has no statistic "p99.x"`,
    );
    expect(r.stdout).toBe("");
  });

  it("previews plans/metric-gates.yaml offline, exit 0", () => {
    const r = spawnSync(
      process.execPath,
      ["bin/eks-bluegreen.js", "plan", "--offline", "plans/metric-gates.yaml"],
      {
        encoding: "utf8",
      },
    );
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("No errors: the upgrade can start.");
  });
});

describe("analysis: random sections", () => {
  const text = fc.oneof(
    fc.constantFrom("{{alb}}", "{{cluster}}", "{{nope}}", "{{", "x}}", "app/x/1", "", "errors / requests"),
    fc.string({ maxLength: 12 }),
  );
  const id = fc.oneof(
    fc.constantFrom("errors", "requests", "rate", "m1", "Bad", "1x"),
    fc.string({ maxLength: 6 }),
  );
  const metricStat = fc.record(
    {
      namespace: text,
      metricName: text,
      dimensions: fc.array(fc.record({ name: text, value: text }), { maxLength: 3 }),
      stat: fc.oneof(
        fc.constantFrom("Sum", "p99", "Avg", "TM(1:)", "tm", "p99.99"),
        fc.string({ maxLength: 8 }),
      ),
      period: fc.oneof(fc.constantFrom(1, 60, 45, 0, -60, 300), fc.double()),
    },
    { requiredKeys: [] },
  );
  const query = fc.record(
    {
      id,
      metricStat,
      expression: fc.oneof(text, fc.constantFrom("rate + errors", "METRICS()", "'a' + b", "IF(a, b, c)")),
      returnData: fc.boolean(),
      junk: fc.integer(),
    },
    { requiredKeys: ["id"] },
  );
  const number = fc.oneof(fc.integer({ min: -5, max: 200 }), fc.double(), fc.constantFrom("1", null));
  const duration = fc.oneof(
    fc.constantFrom("1m", "30s", "0s", "5m", "10x", "1ms", "400d"),
    fc.string({ maxLength: 4 }),
  );
  const metric = fc.record(
    {
      name: fc.oneof(fc.constantFrom("error-rate", "p99", "Bad Name"), fc.string({ maxLength: 8 })),
      queries: fc.array(query, { maxLength: 4 }),
      threshold: fc.record({ max: number, min: number }, { requiredKeys: [] }),
      compare: fc.record(
        {
          direction: fc.constantFrom("higher-is-worse", "lower-is-worse", "up"),
          maxIncrease: number,
          maxRatio: number,
        },
        { requiredKeys: [] },
      ),
      test: fc.record(
        { kind: fc.constantFrom("mann-whitney", "t-test"), confidence: number },
        { requiredKeys: [] },
      ),
      minData: fc.record(
        { datapoints: number, requests: fc.record({ query: id, min: number }, { requiredKeys: [] }) },
        { requiredKeys: [] },
      ),
      mustHaveData: fc.oneof(fc.boolean(), fc.constant("yes")),
      failureLimit: number,
      inconclusiveLimit: number,
      consecutiveErrorLimit: number,
      window: duration,
      fromStep: number,
      fromGreen: number,
    },
    { requiredKeys: [] },
  );
  const section = fc.record(
    {
      interval: duration,
      variables: fc.record(
        {
          blue: fc.dictionary(fc.constantFrom("alb", "tg", "cluster", "1bad"), text, { maxKeys: 3 }),
          green: fc.dictionary(fc.constantFrom("alb", "tg", "x"), text, { maxKeys: 3 }),
        },
        { requiredKeys: [] },
      ),
      metrics: fc.array(metric, { maxLength: 3 }),
      split: fc.record(
        {
          queries: fc.array(query, { maxLength: 2 }),
          window: duration,
          tolerance: number,
          maxConvergence: duration,
          onNoConvergence: fc.constantFrom("hold", "pause", "rollback", "retry"),
        },
        { requiredKeys: [] },
      ),
    },
    { requiredKeys: [] },
  );

  it("never crash validation: the plan loads, or a PlanError (exit 2) names each problem", () => {
    let valid = 0;
    fc.assert(
      fc.property(fc.oneof(section, fc.constant(analysisPlan().analysis)), (analysis) => {
        try {
          parsePlan(toYaml({ ...validPlan(), analysis }), "p.yaml");
          valid += 1;
        } catch (error) {
          if (!(error instanceof PlanError)) throw error;
          expect(error.exitCode).toBe(ExitCode.Usage);
          for (const issue of error.issues) expect(issue.message.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 300 },
    );
    expect(valid).toBeGreaterThan(0);
  });
});
