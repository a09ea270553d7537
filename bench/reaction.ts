/**
 * Reaction: an alarm flips to ALARM at a random moment during a bake; how long until the rollback's
 * ChangeResourceRecordSets reaches the sandbox. And a transient ALARM of 0.5 s that starts and ends
 * between two polls: is it caught (through alarm history)? The built CLI's `run` drives each trial
 * against its own sandbox, on the real clock, with a 2 s poll interval.
 */
import { benchPlan, benchWorld, alarmNames, type BenchWorld } from "./lib/fixtures.ts";
import { startCli } from "./lib/cli.ts";
import { isOp, waitForCall } from "./lib/calls.ts";
import { max, median } from "./lib/stats.ts";
import { raw } from "./lib/raw.ts";
import type { Bench, Figure } from "./run.ts";

export interface ReactionOptions {
  trials: number;
  parallel: number;
  pollMs: number;
  transientMs: number;
  /** Goal: median and max within poll interval + this. */
  goalMarginMs: number;
}

export interface TrialResult {
  kind: "flip" | "transient";
  /** Flip → rollback ChangeResourceRecordSets, or undefined when no rollback came. */
  reactionMs: number | undefined;
  /** Transient trials: no DescribeAlarms landed while the alarm was in ALARM. */
  betweenPolls?: boolean;
  /** `run`'s exit code (3 after a rollback). */
  exitCode?: number;
  error?: string;
}

export interface ReactionResult {
  options: ReactionOptions;
  flips: TrialResult[];
  transients: TrialResult[];
  medianMs: number;
  maxMs: number;
  caught: number;
  betweenPolls: number;
  wallMs: number;
}

export const DEFAULT_REACTION: ReactionOptions = {
  trials: 20,
  parallel: 4,
  pollMs: 2000,
  transientMs: 500,
  goalMarginMs: 1000,
};

async function trial(kind: TrialResult["kind"], o: ReactionOptions): Promise<TrialResult> {
  const [alarm] = alarmNames(1);
  const plan = benchPlan({
    name: "reaction",
    pairs: 1,
    zones: 1,
    alarms: 1,
    // One long bake is all a trial needs; the flip comes within its first few polls.
    steps: [
      { green: 10, bake: "10m" },
      { green: 100, bake: "1s" },
    ],
    pollInterval: `${o.pollMs}ms`,
  });
  const world = await benchWorld(plan, { inSyncDelayMs: 0 });
  const { sandbox } = world;
  const run = startCli(["--endpoint-url", sandbox.endpoint, "run", world.planFile], {
    cwd: world.dir,
    env: sandbox.env,
  });
  let result: TrialResult | undefined;
  try {
    result = await observe(kind, o, world, alarm!);
  } finally {
    // A rollback ends `run` by itself (exit 3); otherwise stop it as Ctrl-C would.
    const stop = setTimeout(() => run.child.kill("SIGTERM"), 10_000);
    const done = await run.done;
    clearTimeout(stop);
    await world.close();
    if (result) {
      result.exitCode = done.code;
      if (result.error) result.error += `; run exited ${done.code}: ${lastLine(done.stderr || done.stdout)}`;
    }
  }
  return result;
}

function lastLine(text: string): string {
  const lines = text.trim().split("\n");
  return (lines.find((l) => l.startsWith("error:")) ?? lines[lines.length - 1] ?? "").slice(0, 200);
}

async function observe(
  kind: TrialResult["kind"],
  o: ReactionOptions,
  world: BenchWorld,
  alarm: string,
): Promise<TrialResult> {
  const { sandbox } = world;
  const shift = await waitForCall(sandbox.calls, isOp("ChangeResourceRecordSets"), 60_000);
  if (!shift) return { kind, reactionMs: undefined, error: "step 1 never reached Route 53" };
  const insync = await waitForCall(sandbox.calls, isOp("GetChange", shift.at), 30_000);
  if (!insync) return { kind, reactionMs: undefined, error: "step 1 never went INSYNC" };
  let flipAt: number;
  if (kind === "flip") {
    // Uniform over two poll cycles, so every phase of the poll loop is hit.
    flipAt = Date.now() + 200 + Math.random() * 2 * o.pollMs;
    sandbox.faults.scheduleAlarm(alarm, "ALARM", { atMs: flipAt }, "bench: regression");
  } else {
    // Just after a poll, so the whole transient fits before the next one.
    const poll = await waitForCall(sandbox.calls, isOp("DescribeAlarms", insync.at), 4 * o.pollMs);
    if (!poll) return { kind, reactionMs: undefined, error: "no alarm poll during the bake" };
    const room = o.pollMs - o.transientMs - 600;
    flipAt = Math.max(Date.now() + 50, poll.at + 200 + Math.random() * room);
    sandbox.faults.scheduleAlarm(alarm, "ALARM", { atMs: flipAt }, "bench: transient regression");
    sandbox.faults.scheduleAlarm(alarm, "OK", { atMs: flipAt + o.transientMs }, "bench: recovered");
  }
  const rollback = await waitForCall(
    sandbox.calls,
    isOp("ChangeResourceRecordSets", flipAt),
    3 * o.pollMs + 5_000,
  );
  const betweenPolls =
    kind === "transient"
      ? !sandbox.calls.some(
          (c) => c.operation === "DescribeAlarms" && c.at >= flipAt && c.at <= flipAt + o.transientMs,
        )
      : undefined;
  return {
    kind,
    reactionMs: rollback ? rollback.at - flipAt : undefined,
    ...(betweenPolls === undefined ? {} : { betweenPolls }),
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

export async function benchReaction(options: Partial<ReactionOptions> = {}): Promise<ReactionResult> {
  const o = { ...DEFAULT_REACTION, ...options };
  const started = Date.now();
  const tasks = [
    ...Array.from({ length: o.trials }, () => () => trial("flip", o)),
    ...Array.from({ length: o.trials }, () => () => trial("transient", o)),
  ];
  const results = await pool(tasks, o.parallel);
  const flips = results.filter((r) => r.kind === "flip");
  const transients = results.filter((r) => r.kind === "transient");
  const reactions = flips.flatMap((r) => (r.reactionMs === undefined ? [] : [r.reactionMs]));
  return {
    options: o,
    flips,
    transients,
    medianMs: reactions.length === flips.length ? median(reactions) : NaN,
    maxMs: reactions.length === flips.length ? max(reactions) : NaN,
    caught: transients.filter((r) => r.reactionMs !== undefined).length,
    betweenPolls: transients.filter((r) => r.betweenPolls).length,
    wallMs: Date.now() - started,
  };
}

export function reactionFigures(r: ReactionResult): Figure[] {
  const goal = r.options.pollMs + r.options.goalMarginMs;
  const n = r.flips.length;
  const failed = r.flips.filter((t) => t.reactionMs === undefined).length;
  const note = failed ? `${failed} of ${n} trials had no rollback` : undefined;
  return [
    {
      name: `alarm flip -> rollback change reaches Route 53, median of ${n}`,
      value: r.medianMs,
      unit: "ms",
      goal,
      ...(note ? { note } : {}),
    },
    { name: `alarm flip -> rollback change reaches Route 53, max of ${n}`, value: r.maxMs, unit: "ms", goal },
    {
      name: `${r.options.transientMs} ms ALARM between two polls: trials caught`,
      value: r.caught,
      unit: "count",
      atLeast: r.transients.length,
      note: `of ${r.transients.length}; ${r.betweenPolls} verified between polls`,
    },
  ];
}

export const bench: Bench = {
  name: "reaction",
  async run() {
    raw.reaction = await benchReaction();
    return reactionFigures(raw.reaction);
  },
};
