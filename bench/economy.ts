/**
 * API economy: the AWS calls of one forward step (observe + apply + INSYNC wait), by operation, for
 * plans of 1 to 1,000 record pairs over 1 and 3 zones with 10 and 300 alarms, counted from the
 * sandbox's call log and checked against the model in lib/economy-formula.ts; and the ratio to the
 * shell-script way for the largest plan.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { benchPlan, benchWorld, BENCH_ADDONS, BENCH_NODEGROUPS, type BenchWorld } from "./lib/fixtures.ts";
import { driverFor, tick } from "./lib/driver.ts";
import { countByOperation } from "./lib/calls.ts";
import { raw } from "./lib/raw.ts";
import type { Bench, Figure } from "./run.ts";
import {
  baselineStepCalls,
  route53Calls,
  secondsUnderRateLimit,
  differences,
  expectedStepCalls,
  insyncRounds,
  totalCalls,
  type CallCounts,
  type StepShape,
} from "./lib/economy-formula.ts";

export interface EconomyCase {
  shape: StepShape;
  /** What this case adds to the grid's plain step (alarm history to page, slower INSYNC). */
  variant?: string;
  measured: CallCounts;
  expected: CallCounts;
  baseline: CallCounts;
  mismatches: ReturnType<typeof differences>;
  /** Wall time of the measured tick (sandbox answers at once). */
  tickMs: number;
  error?: string;
}

export const ECONOMY_GRID = {
  pairs: [1, 10, 100, 1000],
  zones: [1, 3],
  alarms: [10, 300],
};

const BAKE_MS = 300;

export interface CaseExtras {
  /** Alarms outside the plan whose state changes land in the account's history during the bake. */
  noisyAlarms?: number;
  /** How long a Route 53 change stays PENDING in the sandbox. */
  inSyncDelayMs?: number;
}

/** Makes other alarms of the account change state (each setAlarmState writes one history item). */
function noise(world: BenchWorld, count: number): void {
  const cw = world.sandbox.world.cloudwatch;
  for (let i = 0; i < count; i++) {
    const name = `other-team-alarm-${i}`;
    cw.putMetricAlarm({
      AlarmName: name,
      MetricName: "Errors",
      Namespace: "Other",
      Period: 60,
      EvaluationPeriods: 1,
    });
    cw.setAlarmState(name, "ALARM");
    cw.setAlarmState(name, "OK");
  }
}

async function measure(
  pairs: number,
  zones: number,
  alarms: number,
  extras: CaseExtras = {},
): Promise<EconomyCase> {
  let shape: StepShape = {
    pairs,
    zones,
    alarms,
    nodegroups: BENCH_NODEGROUPS.length,
    addons: BENCH_ADDONS.length,
    insights: false,
  };
  const variant = [
    extras.noisyAlarms ? `${extras.noisyAlarms} other alarms flapping` : "",
    extras.inSyncDelayMs ? `INSYNC after ${extras.inSyncDelayMs / 1000} s` : "",
  ]
    .filter(Boolean)
    .join(", ");
  const plan = benchPlan({
    name: "economy",
    pairs,
    zones,
    alarms,
    steps: [
      { green: 10, bake: `${BAKE_MS}ms` },
      { green: 50, bake: `${BAKE_MS}ms` },
      { green: 100, bake: `${BAKE_MS}ms` },
    ],
    pollInterval: "1s",
  });
  const world = await benchWorld(plan, { inSyncDelayMs: extras.inSyncDelayMs ?? 0 });
  try {
    const deps = await driverFor(world);
    const first = await tick(deps);
    if (first.state?.phase !== "baking" || first.state.step !== 1) {
      throw new Error(`the first tick ended ${first.state?.phase ?? "without state"}: ${first.reason}`);
    }
    if (extras.noisyAlarms) noise(world, extras.noisyAlarms);
    await sleep(BAKE_MS + 50);
    const since = Date.parse(first.state.alarmsSince ?? "");
    const historyItems = world.sandbox.world.cloudwatch
      .history()
      .filter((h) => h.HistoryItemType === "StateUpdate" && h.Timestamp >= since).length;
    shape = {
      ...shape,
      historyItems,
      ...(extras.inSyncDelayMs ? { insyncRounds: insyncRounds(extras.inSyncDelayMs) } : {}),
    };
    const mark = world.sandbox.calls.length;
    const started = performance.now();
    const second = await tick(deps);
    const tickMs = performance.now() - started;
    if (second.state?.step !== 2) {
      throw new Error(`the second tick did not move to step 2 (${second.state?.phase}): ${second.reason}`);
    }
    const measured = countByOperation(world.sandbox.calls.slice(mark));
    const expected = expectedStepCalls(shape);
    return {
      shape,
      ...(variant ? { variant } : {}),
      measured,
      expected,
      baseline: baselineStepCalls(shape),
      mismatches: differences(measured, expected),
      tickMs,
    };
  } catch (error) {
    return {
      shape,
      ...(variant ? { variant } : {}),
      measured: {},
      expected: expectedStepCalls(shape),
      baseline: baselineStepCalls(shape),
      mismatches: [],
      tickMs: NaN,
      error: (error as Error).message,
    };
  } finally {
    await world.close();
  }
}

/**
 * Beyond the grid: alarm history is read for the whole account (DescribeAlarmHistory without a name),
 * so other teams' flapping alarms add pages; and a slower INSYNC adds GetChange rounds (the model
 * assumes every batch waits the whole delay, so it is an upper bound there).
 */
export const ECONOMY_EXTRAS: { pairs: number; zones: number; alarms: number; extras: CaseExtras }[] = [
  { pairs: 1000, zones: 3, alarms: 300, extras: { noisyAlarms: 125 } },
  { pairs: 1000, zones: 3, alarms: 300, extras: { inSyncDelayMs: 2000 } },
];

export async function benchEconomy(grid = ECONOMY_GRID, extras = ECONOMY_EXTRAS): Promise<EconomyCase[]> {
  const out: EconomyCase[] = [];
  for (const pairs of grid.pairs)
    for (const zones of grid.zones)
      for (const alarms of grid.alarms) out.push(await measure(pairs, zones, alarms));
  for (const x of extras) out.push(await measure(x.pairs, x.zones, x.alarms, x.extras));
  return out;
}

/** A ratio as people read it: one decimal below 10, whole above. */
export function times(r: number): string {
  return r < 10 ? r.toFixed(1) : r.toFixed(0);
}

export function ratio(c: EconomyCase): number {
  return totalCalls(c.baseline) / totalCalls(c.measured);
}

export function largestCase(cases: readonly EconomyCase[]): EconomyCase | undefined {
  return cases.find(
    (c) => c.shape.pairs === 1000 && c.shape.zones === 3 && c.shape.alarms === 300 && !c.variant,
  );
}

export function economyFigures(cases: readonly EconomyCase[]): Figure[] {
  const figures: Figure[] = cases.map((c) => {
    const s = c.shape;
    const name = `calls per step: ${s.pairs} pairs, ${s.zones} zone(s), ${s.alarms} alarms${c.variant ? `, ${c.variant}` : ""}`;
    if (c.error) return { name, value: NaN, unit: "count", note: `failed: ${c.error}` };
    const off = c.mismatches.map((m) => `${m.operation} ${m.measured} vs ${m.expected}`).join(", ");
    return {
      name,
      value: totalCalls(c.measured),
      unit: "count",
      goal: totalCalls(c.expected),
      note: `${off ? `DIFFERS from model: ${off}; ` : ""}script ${totalCalls(c.baseline)} (${times(ratio(c))}x)`,
    };
  });
  const big = largestCase(cases);
  if (big && !big.error) {
    const tool = route53Calls(big.measured);
    const script = route53Calls(big.baseline);
    figures.push(
      {
        name: "1,000 pairs / 3 zones / 300 alarms: times fewer calls than one pair a call",
        value: Number(ratio(big).toFixed(1)),
        unit: "count",
        atLeast: 50,
        note: "x",
      },
      {
        name: "Route 53 rate budget a step at 5 req/s: tool (1,000 pairs / 3 zones)",
        value: secondsUnderRateLimit(tool, 5) * 1000,
        unit: "ms",
        note: `${tool} Route 53 calls`,
      },
      {
        name: "Route 53 rate budget a step at 5 req/s: one pair a call",
        value: secondsUnderRateLimit(script, 5) * 1000,
        unit: "ms",
        note: `${script} Route 53 calls`,
      },
    );
  }
  return figures;
}

export const bench: Bench = {
  name: "economy",
  async run() {
    raw.economy = await benchEconomy();
    return economyFigures(raw.economy);
  },
};
