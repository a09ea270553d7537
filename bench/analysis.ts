/**
 * Metric analysis (issue 12 §4), against the sandbox and its traffic model:
 *
 * 1. GetMetricData calls per evaluation for plans of 1, 10, 100 and 300 metrics (each metric two
 *    MetricStat queries, per side, plus the observed split's count query per side), counted from the
 *    sandbox's call log, and the MetricStat queries the sandbox answered (counted at its metric
 *    store). The driver runs in-process, one tick at a time: the bake's first tick evaluates (every
 *    query), an immediate next poll reads nothing, and one split period later a converging tick reads
 *    the split's two queries only. Expected: ⌈queries / 500⌉ calls.
 * 2. Detection time: the built CLI's `run` (poll 1 s, `analysis.interval` 5 s) bakes step 1 at 50%;
 *    green's 5xx rate rises (a traffic-model rule) at a whole second chosen uniformly over one
 *    interval; the figure is the time from the rise to the rollback's ChangeResourceRecordSets
 *    reaching the sandbox. Goal: median ≤ interval + 1 s.
 *
 * `npx tsx bench/analysis.ts` runs it alone and writes its section of docs/performance.md (between the
 * analysis markers); `npm run bench` (or `--only analysis`) lists its figures in the table.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { PlanInput } from "../src/plan/schema.ts";
import { benchPlan, benchWorld, type BenchWorld } from "./lib/fixtures.ts";
import { driverFor, tick } from "./lib/driver.ts";
import { isOp, waitForCall } from "./lib/calls.ts";
import { startCli } from "./lib/cli.ts";
import { describeMachine } from "./lib/machine.ts";
import { printFigures, writeMarkedSection } from "./lib/section.ts";
import { formatMs, max, median } from "./lib/stats.ts";
import type { Bench, Figure } from "./run.ts";

export const METRIC_COUNTS = [1, 10, 100, 300];
const QUERIES_PER_CALL = 500;
const ALB = { blue: "app/bench-blue/0123456789abcdef", green: "app/bench-green/fedcba9876543210" };

// Fresh objects each time: the plan is written as YAML, where shared objects become anchors and aliases.
const stat = (id: string, metricName: string, s: string, period: number) => ({
  id,
  metricStat: {
    namespace: "AWS/ApplicationELB",
    metricName,
    dimensions: [{ name: "LoadBalancer", value: "{{alb}}" }],
    stat: s,
    period,
  },
});

type Analysis = NonNullable<PlanInput["analysis"]>;

/** A bench plan (one record pair, one alarm) with this analysis section. */
function analysisPlan(name: string, steps: { green: number; bake: string }[], analysis: Analysis): PlanInput {
  return {
    ...benchPlan({ name, pairs: 1, zones: 1, alarms: 1, steps, pollInterval: "1s" }),
    analysis: { ...analysis, variables: { blue: { alb: ALB.blue }, green: { alb: ALB.green } } },
  };
}

// ------------------------------------------------------------------------ calls per evaluation

export interface CallsCase {
  metrics: number;
  /** Queries one evaluation sends: 2 a metric and 1 for the split, per side. */
  queries: number;
  expectedCalls: number;
  /** GetMetricData calls of the bake's first tick (an evaluation). */
  evaluationCalls: number;
  /** MetricStat queries the sandbox answered in it. */
  evaluationQueries: number;
  /** GetMetricData calls of the poll right after (nothing due). */
  idleCalls: number;
  /** GetMetricData calls and queries of a converging tick one split period later (split only). */
  splitCalls: number;
  splitQueries: number;
  tickMs: number;
  error?: string;
}

const SPLIT_PERIOD_S = 1;

export function callsPlan(metrics: number): PlanInput {
  return analysisPlan(
    "analysis-calls",
    [
      { green: 10, bake: "10m" },
      { green: 100, bake: "1s" },
    ],
    {
      // Evaluations once a minute; the split's count has 1 s datapoints, so a converging step reads it
      // between evaluations (engine/analysis.ts: every min(split period, interval)).
      interval: "1m",
      metrics: Array.from({ length: metrics }, (_, i) => ({
        name: `p99-${String(i).padStart(3, "0")}`,
        queries: [stat("requests", "RequestCount", "Sum", 60), stat("p99", "TargetResponseTime", "p99", 60)],
        compare: { direction: "higher-is-worse" as const, maxRatio: 1.5 },
        minData: { datapoints: 1, requests: { query: "requests", min: 1 } },
        window: "5m",
      })),
      split: {
        queries: [stat("requests", "RequestCount", "Sum", SPLIT_PERIOD_S)],
        window: "1m",
        maxConvergence: "15m",
      },
    } as Analysis,
  );
}

/** Counts GetMetricData calls (call log) and MetricStat queries answered (metric store) during `f`. */
async function counted(
  world: BenchWorld,
  f: () => Promise<unknown>,
): Promise<{ calls: number; queries: number }> {
  const store = world.sandbox.world.cloudwatch.metrics;
  const original = store.statistic.bind(store);
  let queries = 0;
  store.statistic = (...args) => {
    queries += 1;
    return original(...args);
  };
  const mark = world.sandbox.calls.length;
  try {
    await f();
  } finally {
    store.statistic = original;
  }
  const calls = world.sandbox.calls.slice(mark).filter((c) => c.operation === "GetMetricData").length;
  return { calls, queries };
}

async function measureCalls(metrics: number): Promise<CallsCase> {
  const queries = 2 * (2 * metrics + 1);
  const base: CallsCase = {
    metrics,
    queries,
    expectedCalls: Math.ceil(queries / QUERIES_PER_CALL),
    evaluationCalls: NaN,
    evaluationQueries: NaN,
    idleCalls: NaN,
    splitCalls: NaN,
    splitQueries: NaN,
    tickMs: NaN,
  };
  const world = await benchWorld(callsPlan(metrics), { inSyncDelayMs: 0 });
  try {
    // DNS caches that take 10 minutes: the split stays converging through the measurement.
    const model = world.sandbox.world.traffic.describe();
    if (!model) throw new Error("the sandbox's traffic model was not seeded from the plan");
    world.sandbox.world.traffic.configure({ ...model, dnsDelayMs: 600_000 });
    const deps = await driverFor(world);
    const first = await tick(deps);
    if (first.state?.phase !== "baking" || first.state.step !== 1) {
      throw new Error(`the first tick ended ${first.state?.phase ?? "without state"}: ${first.reason}`);
    }
    await sleep(1100); // a whole second of traffic at the new weights
    const started = Date.now();
    let second: Awaited<ReturnType<typeof tick>> | undefined;
    const evaluation = await counted(world, async () => (second = await tick(deps)));
    const tickMs = Date.now() - started;
    if (!second?.reason.includes("Waiting for the observed split")) {
      throw new Error(`the evaluation tick did not wait for the split: ${second?.reason ?? "no result"}`);
    }
    const idle = await counted(world, () => tick(deps));
    await sleep(SPLIT_PERIOD_S * 1000 + 100);
    const split = await counted(world, () => tick(deps));
    return {
      ...base,
      evaluationCalls: evaluation.calls,
      evaluationQueries: evaluation.queries,
      idleCalls: idle.calls,
      splitCalls: split.calls,
      splitQueries: split.queries,
      tickMs,
    };
  } catch (error) {
    return { ...base, error: error instanceof Error ? error.message : String(error) };
  } finally {
    await world.close();
  }
}

// ------------------------------------------------------------------------------ detection time

export interface DetectionOptions {
  trials: number;
  intervalMs: number;
  pollMs: number;
  /** Green's 5xx rate after the rise (blue and green start at 0.1%). */
  errorRate: number;
}

export const DEFAULT_DETECTION: DetectionOptions = {
  trials: 5,
  intervalMs: 5000,
  pollMs: 1000,
  errorRate: 0.3,
};

export interface DetectionTrial {
  detectionMs: number | undefined;
  exitCode?: number;
  error?: string;
}

export function detectionPlan(o: DetectionOptions): PlanInput {
  const plan = analysisPlan(
    "analysis-detect",
    [
      { green: 50, bake: "10m" },
      { green: 100, bake: "1s" },
    ],
    {
      interval: `${o.intervalMs}ms`,
      metrics: [
        {
          name: "error-rate",
          queries: [
            stat("errors", "HTTPCode_Target_5XX_Count", "Sum", 1),
            stat("requests", "RequestCount", "Sum", 1),
            { id: "rate", expression: "100 * FILL(errors, 0) / requests" },
          ],
          // Up to blue's rate + 1 point: healthy noise at 0.1% (about 1,000 requests a side in the
          // window) never gets there; one second at 30% does.
          compare: { direction: "higher-is-worse", maxRatio: 1.5, maxIncrease: 1 },
          minData: { datapoints: 2 },
          failureLimit: 0,
          window: "10s",
        },
      ],
    } as Analysis,
  );
  return { ...plan, alarms: { ...plan.alarms, pollInterval: `${o.pollMs}ms` } };
}

async function detectionTrial(o: DetectionOptions): Promise<DetectionTrial> {
  const world = await benchWorld(detectionPlan(o), { inSyncDelayMs: 0 });
  const { sandbox } = world;
  const run = startCli(["--endpoint-url", sandbox.endpoint, "run", world.planFile], {
    cwd: world.dir,
    env: sandbox.env,
  });
  let result: DetectionTrial = { detectionMs: undefined };
  try {
    const shift = await waitForCall(sandbox.calls, isOp("ChangeResourceRecordSets"), 60_000);
    if (!shift) return (result = { detectionMs: undefined, error: "step 1 never reached Route 53" });
    // The bake's evaluations have begun: the rise then falls at any phase of the interval.
    const read = await waitForCall(sandbox.calls, isOp("GetMetricData", shift.at), 30_000);
    if (!read) return (result = { detectionMs: undefined, error: "no metric evaluation during the bake" });
    // A whole second, so the rise is the start of the first 5xx-heavy datapoint (the model writes seconds).
    const riseAt = Math.ceil((Date.now() + 300 + Math.random() * o.intervalMs) / 1000) * 1000;
    const model = sandbox.world.traffic.describe()!;
    sandbox.world.traffic.configure({
      ...model,
      // The rule counts from now (configure's moment): 50 ms early, so the second at riseAt is the first.
      rules: [{ side: "green", afterMs: riseAt - Date.now() - 50, errorRate: o.errorRate }],
    });
    const rollback = await waitForCall(
      sandbox.calls,
      isOp("ChangeResourceRecordSets", shift.at + 1),
      riseAt - Date.now() + 3 * o.intervalMs + 10_000,
    );
    if (!rollback) return (result = { detectionMs: undefined, error: "no rollback" });
    if (rollback.at < riseAt)
      return (result = { detectionMs: undefined, error: "rolled back before the rise (a false failure)" });
    return (result = { detectionMs: rollback.at - riseAt });
  } finally {
    // A rollback ends `run` by itself (exit 3); otherwise stop it as Ctrl-C would.
    const stop = setTimeout(() => run.child.kill("SIGTERM"), 10_000);
    const done = await run.done;
    clearTimeout(stop);
    await world.close();
    result.exitCode = done.code;
    if (result.error) result.error += `; run exited ${done.code}`;
  }
}

// ------------------------------------------------------------------------------------- results

export interface AnalysisBenchResult {
  calls: CallsCase[];
  detection: { options: DetectionOptions; trials: DetectionTrial[]; medianMs: number; maxMs: number };
  /** 1-minute load average before and after the run (the machine is shared). */
  load: { before: number; after: number };
  wallMs: number;
}

export async function benchAnalysis(
  options: { metrics?: number[]; detection?: Partial<DetectionOptions> } = {},
): Promise<AnalysisBenchResult> {
  const started = Date.now();
  const before = describeMachine().loadAverage;
  const calls: CallsCase[] = [];
  for (const n of options.metrics ?? METRIC_COUNTS) calls.push(await measureCalls(n));
  const o = { ...DEFAULT_DETECTION, ...options.detection };
  const trials: DetectionTrial[] = [];
  for (let i = 0; i < o.trials; i++) trials.push(await detectionTrial(o));
  const ms = trials.flatMap((t) => (t.detectionMs === undefined ? [] : [t.detectionMs]));
  const complete = ms.length === trials.length;
  return {
    calls,
    detection: { options: o, trials, medianMs: complete ? median(ms) : NaN, maxMs: complete ? max(ms) : NaN },
    load: { before, after: describeMachine().loadAverage },
    wallMs: Date.now() - started,
  };
}

export function analysisFigures(r: AnalysisBenchResult): Figure[] {
  const figures: Figure[] = r.calls.map((c) => ({
    name: `GetMetricData calls per evaluation: ${c.metrics} metric(s), ${c.queries} queries (both sides + split)`,
    value: c.error ? NaN : c.evaluationCalls,
    unit: "count",
    goal: c.expectedCalls,
    note: c.error
      ? `failed: ${c.error}`
      : `${c.evaluationQueries} queries answered; next poll ${c.idleCalls} calls`,
  }));
  const largest = [...r.calls].reverse().find((c) => !c.error && c.expectedCalls === 1);
  if (largest) {
    figures.push({
      name: `converging tick between evaluations (${largest.metrics} metrics): queries read`,
      value: largest.splitQueries,
      unit: "count",
      goal: 2,
      note: `${largest.splitCalls} call(s); the split's count query per side only`,
    });
  }
  const d = r.detection;
  const n = d.trials.length;
  const failed = d.trials.filter((t) => t.detectionMs === undefined);
  const note = failed.length
    ? `${failed.length} of ${n} trials failed: ${failed.map((t) => t.error).join("; ")}`
    : `interval ${d.options.intervalMs / 1000} s, poll ${d.options.pollMs / 1000} s`;
  figures.push(
    {
      name: `green 5xx rises -> rollback change reaches Route 53, median of ${n}`,
      value: d.medianMs,
      unit: "ms",
      goal: d.options.intervalMs + 1000,
      note,
    },
    { name: `green 5xx rises -> rollback change reaches Route 53, max of ${n}`, value: d.maxMs, unit: "ms" },
  );
  return figures;
}

// ------------------------------------------------------------------------- docs/performance.md

const START = "<!-- analysis:start -->";
const END = "<!-- analysis:end -->";

export function analysisSection(r: AnalysisBenchResult, machineLine: string): string {
  const rows = r.calls.map((c) =>
    c.error
      ? `| ${c.metrics} | ${c.queries} | failed: ${c.error} | | | | |`
      : `| ${c.metrics} | ${c.queries} | ${c.expectedCalls} | ${c.evaluationCalls} | ${c.evaluationQueries} | ${c.idleCalls} | ${c.splitCalls} call, ${c.splitQueries} queries |`,
  );
  const d = r.detection;
  const each = d.trials.map((t) =>
    t.detectionMs === undefined ? `failed (${t.error})` : formatMs(t.detectionMs),
  );
  return `${START}
## Metric analysis: GetMetricData calls and detection time (measured)

Produced by \`npx tsx bench/analysis.ts\` (${formatMs(r.wallMs)} wall) on ${machineLine}; 1-minute load
average ${r.load.before} before and ${r.load.after} after. The machine was busy (2 cores shared by several
people running builds, tests and other benchmarks), so the detection times include waiting for CPU; the
call counts do not depend on load.

**Calls per evaluation.** A plan with N metrics (each two MetricStat queries: \`RequestCount\` Sum and
\`TargetResponseTime\` p99 of the side's ALB, 60 s period, 5 m window) and the observed split (\`RequestCount\`
Sum per side, 1 s period), \`analysis.interval: 1m\`, DNS caches that take 10 minutes (so the split converges
throughout). The driver runs in-process, one tick at a time, against the sandbox: the bake's first tick
evaluates (every query of both sides in as few GetMetricData calls as the 500-query limit allows); the
poll right after reads nothing (nothing is due); one split period (1 s) later a converging tick reads the
split's two queries only. Calls are counted from the sandbox's call log, queries at its metric store.
Before converging reads asked for the split only (measured once with the code of commit b29fe93, 100
metrics), the poll right after the evaluation read all 402 queries again (1 call), and so did every
converging tick.

| metrics | queries | expected calls (⌈queries / 500⌉) | evaluation: calls | queries answered | next poll: calls | converging tick, 1 s later |
| --- | --- | --- | --- | --- | --- | --- |
${rows.join("\n")}

**Detection time.** The built CLI's \`run\` polls every ${d.options.pollMs / 1000} s with \`analysis.interval:
${d.options.intervalMs / 1000}s\`, step 1 at 50% green, one metric: green's 5xx rate against blue's (1 s
datapoints, 10 s window, \`failureLimit: 0\`). During the bake, green's 5xx rate in the sandbox's traffic model
goes from 0.1% to ${d.options.errorRate * 100}% at a whole second chosen uniformly over one interval; the figure is the
time from that second to the rollback's ChangeResourceRecordSets reaching the sandbox. It counts the 1 s
datapoint (the model writes a second once it is over), the wait for the next evaluation (up to the
interval, which the 1 s poll rounds up), and the tick that rolls back: at worst about the datapoint's
second + interval + poll (7 s here), so the goal (interval + 1 s) is on the median. ${d.trials.length} trials, one at a time.

| trials | median | max | goal (median) | each |
| --- | --- | --- | --- | --- |
| ${d.trials.length} | ${formatMs(d.medianMs)} | ${formatMs(d.maxMs)} | ≤ ${formatMs(d.options.intervalMs + 1000)} (interval + 1 s) | ${each.join(", ")} |
${END}`;
}

export async function writeAnalysisSection(file: URL, section: string): Promise<void> {
  await writeMarkedSection(file, "analysis", section);
}

export const bench: Bench = {
  name: "analysis",
  async run() {
    return analysisFigures(await benchAnalysis());
  },
};

if (import.meta.url === `file://${process.argv[1]}`) {
  const machine = describeMachine();
  const r = await benchAnalysis();
  printFigures(analysisFigures(r));
  const where = `${machine.cores} cores, ${machine.cpuModel}, Node ${machine.node}, ${machine.date}`;
  await writeAnalysisSection(new URL("../docs/performance.md", import.meta.url), analysisSection(r, where));
  process.stdout.write(`\nMachine: ${where}. Section written to docs/performance.md.\n`);
}
