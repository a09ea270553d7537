/**
 * Target kinds (issue 13): (1) the AWS calls of one forward step for plans of 1, 10 and 50 ALB
 * listeners, and of 1, 10 and 50 Global Accelerator endpoint groups, by operation, from the sandbox's
 * call log; (2) per target kind (Route 53 records, ALB listener, accelerator endpoint group), the time
 * from an alarm flip in the sandbox to the rollback request back to blue, with the built CLI's `run`
 * polling every 1.5 s. `npx tsx bench/targets.ts` runs it alone and writes its section of
 * docs/performance.md (between the targets markers); `npm run bench` lists its figures in the table.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { PlanInput } from "../src/plan/schema.ts";
import { alarmNames, benchPlan, benchWorld, type BenchWorld } from "./lib/fixtures.ts";
import { driverFor, tick } from "./lib/driver.ts";
import { countByOperation, isOp, waitForCall } from "./lib/calls.ts";
import { startCli } from "./lib/cli.ts";
import { describeMachine } from "./lib/machine.ts";
import { printFigures, writeMarkedSection } from "./lib/section.ts";
import { formatMs, max, median } from "./lib/stats.ts";
import type { Bench, Figure } from "./run.ts";

export type TargetKind = "records" | "listeners" | "accelerators";

/** The write that moves a kind's weights (forward and back). */
export const WRITE_OP: Record<TargetKind, string> = {
  records: "ChangeResourceRecordSets",
  listeners: "ModifyListener",
  accelerators: "UpdateEndpointGroup",
};

const hex = (n: number, width: number) => n.toString(16).padStart(width, "0");

export function listenerArn(i: number): string {
  return `arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/bench-${i}/${hex(0xa000 + i, 16)}/${hex(0xb000 + i, 16)}`;
}

function loadBalancerArn(name: string, i: number): string {
  return `arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/${name}/${hex(0xc000 + i, 16)}`;
}

export function endpointGroupArn(i: number): string {
  return `arn:aws:globalaccelerator::123456789012:accelerator/${hex(i, 8)}-abcd-1234-abcd-1234abcdefgh/listener/${hex(i, 8)}/endpoint-group/${hex(i, 12)}`;
}

/** The traffic section of a plan with `count` targets of one kind (records: 1 zone). */
export function targetsTraffic(kind: TargetKind, count: number): PlanInput["traffic"] {
  const seq = Array.from({ length: count }, (_, i) => i);
  if (kind === "listeners") {
    return {
      listeners: seq.map((i) => ({
        listenerArn: listenerArn(i),
        blue: `bench-${i}-blue`,
        green: `bench-${i}-green`,
      })),
    };
  }
  if (kind === "accelerators") {
    return {
      accelerators: seq.map((i) => ({
        endpointGroupArn: endpointGroupArn(i),
        blue: loadBalancerArn(`bench-${i}-blue`, 2 * i),
        green: loadBalancerArn(`bench-${i}-green`, 2 * i + 1),
      })),
    };
  }
  return benchPlan({ pairs: count, zones: 1, alarms: 1, steps: [], pollInterval: "1s" }).traffic;
}

export function targetsPlan(
  kind: TargetKind,
  count: number,
  steps: { green: number; bake: string }[],
  pollInterval: string,
): PlanInput {
  const plan = benchPlan({ name: `targets-${kind}`, pairs: 0, zones: 1, alarms: 1, steps, pollInterval });
  return { ...plan, traffic: targetsTraffic(kind, count) };
}

export interface StepCallsCase {
  kind: TargetKind;
  count: number;
  measured: Record<string, number>;
  total: number;
  tickMs: number;
  error?: string;
}

const BAKE_MS = 300;

async function stepCalls(kind: TargetKind, count: number): Promise<StepCallsCase> {
  const plan = targetsPlan(
    kind,
    count,
    [
      { green: 10, bake: `${BAKE_MS}ms` },
      { green: 50, bake: `${BAKE_MS}ms` },
      { green: 100, bake: `${BAKE_MS}ms` },
    ],
    "1s",
  );
  const world = await benchWorld(plan, { inSyncDelayMs: 0 });
  try {
    const deps = await driverFor(world);
    const first = await tick(deps);
    if (first.state?.phase !== "baking" || first.state.step !== 1) {
      throw new Error(`the first tick ended ${first.state?.phase ?? "without state"}: ${first.reason}`);
    }
    await sleep(BAKE_MS + 50);
    const mark = world.sandbox.calls.length;
    const started = performance.now();
    const second = await tick(deps);
    const tickMs = performance.now() - started;
    if (second.state?.step !== 2) {
      throw new Error(`the second tick did not move to step 2 (${second.state?.phase}): ${second.reason}`);
    }
    const measured = countByOperation(world.sandbox.calls.slice(mark));
    const total = Object.values(measured).reduce((a, b) => a + b, 0);
    return { kind, count, measured, total, tickMs };
  } catch (error) {
    return { kind, count, measured: {}, total: NaN, tickMs: NaN, error: (error as Error).message };
  } finally {
    await world.close();
  }
}

export interface ReactionTrial {
  kind: TargetKind;
  /** Alarm flip → the rollback write reaches the sandbox; undefined when none came. */
  reactionMs: number | undefined;
  exitCode?: number;
  error?: string;
}

export interface TargetsOptions {
  counts: number[];
  trials: number;
  parallel: number;
  pollMs: number;
}

export const DEFAULT_TARGETS: TargetsOptions = { counts: [1, 10, 50], trials: 3, parallel: 3, pollMs: 1500 };

async function reactionTrial(kind: TargetKind, o: TargetsOptions): Promise<ReactionTrial> {
  const [alarm] = alarmNames(1);
  const plan = targetsPlan(
    kind,
    1,
    [
      { green: 10, bake: "10m" },
      { green: 100, bake: "1s" },
    ],
    `${o.pollMs}ms`,
  );
  const world = await benchWorld(plan, { inSyncDelayMs: 0 });
  const run = startCli(["--endpoint-url", world.sandbox.endpoint, "run", world.planFile], {
    cwd: world.dir,
    env: world.sandbox.env,
  });
  let result: ReactionTrial = { kind, reactionMs: undefined, error: "not observed" };
  try {
    result = await observeTrial(kind, o, world, alarm!);
  } finally {
    const stop = setTimeout(() => run.child.kill("SIGTERM"), 10_000);
    const done = await run.done;
    clearTimeout(stop);
    await world.close();
    result.exitCode = done.code;
  }
  return result;
}

async function observeTrial(
  kind: TargetKind,
  o: TargetsOptions,
  world: BenchWorld,
  alarm: string,
): Promise<ReactionTrial> {
  const { sandbox } = world;
  const op = WRITE_OP[kind];
  // The CLI starts cold on a loaded machine: give step 1 time.
  const shift = await waitForCall(sandbox.calls, isOp(op), 90_000);
  if (!shift) return { kind, reactionMs: undefined, error: `step 1 never sent ${op}` };
  // Bake under way: the first alarm poll after the shift (and, for records, INSYNC).
  const baking = await waitForCall(sandbox.calls, isOp("DescribeAlarms", shift.at), 30_000);
  if (!baking) return { kind, reactionMs: undefined, error: "no alarm poll after step 1" };
  // Uniform over two poll cycles, so every phase of the poll loop is hit.
  const flipAt = Date.now() + 200 + Math.random() * 2 * o.pollMs;
  sandbox.faults.scheduleAlarm(alarm, "ALARM", { atMs: flipAt }, "bench: regression");
  const rollback = await waitForCall(sandbox.calls, isOp(op, flipAt), 4 * o.pollMs + 10_000);
  return {
    kind,
    reactionMs: rollback ? rollback.at - flipAt : undefined,
    ...(rollback ? {} : { error: "no rollback" }),
  };
}

async function pool<T>(tasks: (() => Promise<T>)[], parallel: number): Promise<T[]> {
  const out: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      out[i] = await tasks[i]!();
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, tasks.length) }, worker));
  return out;
}

export interface TargetsResult {
  options: TargetsOptions;
  steps: StepCallsCase[];
  reactions: ReactionTrial[];
  wallMs: number;
}

export async function benchTargets(options: Partial<TargetsOptions> = {}): Promise<TargetsResult> {
  const o = { ...DEFAULT_TARGETS, ...options };
  const started = Date.now();
  const steps: StepCallsCase[] = [];
  for (const kind of ["listeners", "accelerators"] as const)
    for (const count of o.counts) steps.push(await stepCalls(kind, count));
  const kinds: TargetKind[] = ["records", "listeners", "accelerators"];
  const tasks = kinds.flatMap((kind) => Array.from({ length: o.trials }, () => () => reactionTrial(kind, o)));
  const reactions = await pool(tasks, o.parallel);
  return { options: o, steps, reactions, wallMs: Date.now() - started };
}

/** The operations that scale with the targets of a kind, in the order a step sends them. */
export const STEP_OPS: Record<Exclude<TargetKind, "records">, string[]> = {
  listeners: ["DescribeListeners", "DescribeRules", "DescribeTargetGroups", "ModifyListener"],
  accelerators: ["DescribeAccelerator", "DescribeEndpointGroup", "UpdateEndpointGroup"],
};

/** "DescribeListeners 1, ModifyListener 10; other 4 (DescribeAlarms 1, …)". */
export function describeCounts(c: StepCallsCase): string {
  const ops = STEP_OPS[c.kind as Exclude<TargetKind, "records">] ?? [];
  const main = ops.map((op) => `${op} ${c.measured[op] ?? 0}`).join(", ");
  const rest = Object.entries(c.measured)
    .filter(([op]) => !ops.includes(op))
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([op, n]) => `${op} ${n}`)
    .join(", ");
  return rest ? `${main}; other: ${rest}` : main;
}

export function reactionStats(r: TargetsResult, kind: TargetKind) {
  const trials = r.reactions.filter((t) => t.kind === kind);
  const ms = trials.flatMap((t) => (t.reactionMs === undefined ? [] : [t.reactionMs]));
  return {
    trials,
    ms,
    median: ms.length ? median(ms) : NaN,
    max: ms.length ? max(ms) : NaN,
    failed: trials.length - ms.length,
  };
}

const NOUN: Record<TargetKind, string> = {
  records: "record pair(s)",
  listeners: "listener(s)",
  accelerators: "endpoint group(s)",
};

export function targetsFigures(r: TargetsResult): Figure[] {
  const figures: Figure[] = r.steps.map((c) => ({
    name: `calls per step: ${c.count} ${NOUN[c.kind]}`,
    value: c.total,
    unit: "count" as const,
    note: c.error ? `failed: ${c.error}` : describeCounts(c),
  }));
  for (const kind of ["records", "listeners", "accelerators"] as const) {
    const s = reactionStats(r, kind);
    const note = [
      `${WRITE_OP[kind]} back to blue; ${s.ms.map((v) => formatMs(v)).join(", ")}`,
      s.failed
        ? `${s.failed} of ${s.trials.length} had no rollback (${s.trials.find((t) => t.error)?.error})`
        : "",
    ]
      .filter(Boolean)
      .join("; ");
    figures.push({
      name: `${kind}: alarm flip -> rollback request, median of ${s.trials.length}`,
      value: s.median,
      unit: "ms",
      goal: r.options.pollMs + 1000,
      note,
    });
    figures.push({
      name: `${kind}: alarm flip -> rollback request, max of ${s.trials.length}`,
      value: s.max,
      unit: "ms",
      goal: r.options.pollMs + 1000,
    });
  }
  return figures;
}

const START = "<!-- targets:start -->";
const END = "<!-- targets:end -->";

export function targetsSection(r: TargetsResult, machineLine: string): string {
  const rows = r.steps.map(
    (c) =>
      `| ${c.kind === "listeners" ? "ALB listeners" : "GA endpoint groups"} | ${c.count} | ${c.error ? `failed: ${c.error}` : c.total} | ${c.error ? "" : describeCounts(c)} |`,
  );
  const reactions = (["records", "listeners", "accelerators"] as const).map((kind) => {
    const s = reactionStats(r, kind);
    return `| ${kind} | ${WRITE_OP[kind]} | ${s.trials.length} | ${formatMs(s.median)} | ${formatMs(s.max)} | ${s.ms.map((v) => formatMs(v)).join(", ")}${s.failed ? `; ${s.failed} without rollback` : ""} |`;
  });
  return `${START}
## Target kinds: calls per step and reaction (measured)

Produced by \`npx tsx bench/targets.ts\` (${formatMs(r.wallMs)} wall) on ${machineLine}. The machine was
heavily loaded (2 cores shared by several people running builds and tests), so the reaction times below
include waiting for CPU; the call counts do not depend on load.

**Calls per step.** One forward step (step 1 → step 2, the driver in-process, one tick) of a plan with
only ALB listeners or only Global Accelerator endpoint groups and one alarm, counted by operation from
the sandbox's call log.

| targets | count | calls | by operation |
| --- | --- | --- | --- |
${rows.join("\n")}

**Reaction per target kind.** The built CLI's \`run\` polls alarms every ${r.options.pollMs / 1000} s; during
step 1's bake the one alarm flips to ALARM at a random moment (uniform over two poll intervals); the
figure is the time from the flip to the rollback write (back to blue) reaching the sandbox. ${r.options.trials}
trials a kind, ${r.options.parallel} at a time. The sandbox applies every write at once (Route 53 INSYNC
delay 0), so this is the tool's own part of the time to safety; add the per-kind part from the model above.

| kind | rollback write | trials | median | max | each |
| --- | --- | --- | --- | --- | --- |
${reactions.join("\n")}
${END}`;
}

export async function writeTargetsSection(file: URL, section: string): Promise<void> {
  await writeMarkedSection(file, "targets", section);
}

export const bench: Bench = {
  name: "targets",
  async run() {
    return targetsFigures(await benchTargets());
  },
};

if (import.meta.url === `file://${process.argv[1]}`) {
  const machine = describeMachine();
  const r = await benchTargets();
  printFigures(targetsFigures(r));
  const where = `${machine.cores} cores, ${machine.cpuModel}, Node ${machine.node}, load ${machine.loadAverage}, ${machine.date}`;
  await writeTargetsSection(new URL("../docs/performance.md", import.meta.url), targetsSection(r, where));
  process.stdout.write(`\nMachine: ${where}. Section written to docs/performance.md.\n`);
}
