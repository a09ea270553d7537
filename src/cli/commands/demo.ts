/**
 * `demo` (`npm start`): a local AWS sandbox in this process, seeded from two production-like plans with
 * durations compressed to seconds; then the real CLI runs two upgrades against it, as you would type
 * them: one completes (with an approval given from "another shell"), one rolls back when an alarm fires
 * at 50%; a third is judged by its metrics against blue (the observed split gating each bake) and rolls
 * back at 50% while no alarm fires. Ends with a short summary of all three.
 */
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import type { CommandContext, CommandResult } from "../context.ts";
import { ExitCode, ToolError } from "../../errors.ts";
import { Plan, type PlanInput } from "../../plan/schema.ts";
import { parseState, type UpgradeState } from "../../engine/state.ts";
import { splitWords } from "../../engine/split.ts";
import { demoPlans, demoTraffic, FAST, NORMAL } from "../demo/plans.ts";
import { runCli } from "../demo/run-child.ts";

const bold = (s: string, on: boolean) => (on ? `\u001b[1m${s}\u001b[0m` : s);

interface Outcome {
  plan: string;
  exitCode: number;
  phase: string;
  path: number[];
  seconds: number;
  note: string;
  /** Whether any watched alarm was in ALARM at the rollback (the metric demo shows one that none caused). */
  alarmFired: boolean;
  /** The observed split each bake waited for, "written 10% / observed 9.6%", in order. */
  splits: string[];
}

/** The upgrade's state, read and checked as every command reads it; undefined while none is written yet. */
async function readState(dir: string, name: string): Promise<UpgradeState | undefined> {
  const file = join(dir, ".eks-bluegreen", name, "state.json");
  try {
    return parseState(await readFile(file, "utf8"), name, `file ${file}`);
  } catch {
    // Not written yet (the watcher polls from the start); a damaged state fails the run itself.
    return undefined;
  }
}

function outcome(name: string, exitCode: number, state: UpgradeState | undefined): Outcome {
  const events = state?.events ?? [];
  const path = [0];
  for (const e of events) {
    const green = e.evidence?.expectedGreen;
    if (e.type === "shift-submitted" && green !== undefined) path.push(green);
  }
  const first = events[0] ? Date.parse(events[0].at) : 0;
  const last = events.at(-1) ? Date.parse(events.at(-1)!.at) : first;
  const approved = events.find((e) => e.type === "approved");
  const note =
    state?.phase === "rolled-back"
      ? (state.rollbackReason ?? "rolled back")
      : [
          approved ? `approved by ${approved.evidence?.approvedBy}` : "",
          events.some((e) => e.type === "retired") ? "blue scaled to zero" : "",
        ]
          .filter(Boolean)
          .join(", ");
  const rollback = events.find((e) => e.type === "rollback-started");
  const alarms = (rollback?.evidence?.alarms ?? []) as { state: string }[];
  const splits = events
    .filter((e) => e.type === "split-converged")
    .map((e) => {
      const split = (e.evidence as { observedSplit?: { green: number | null; target: number } } | undefined)
        ?.observedSplit;
      return split ? splitWords(split) : "";
    });
  return {
    plan: name,
    exitCode,
    phase: state?.phase ?? "none",
    path,
    seconds: (last - first) / 1000,
    note,
    alarmFired:
      alarms.some((a) => a.state === "ALARM") ||
      (rollback?.evidence?.alarmHistory ?? []).some((h) => h.to === "ALARM"),
    splits,
  };
}

export async function handler(options: { fast: boolean }, ctx: CommandContext): Promise<CommandResult> {
  const json = ctx.output === "json";
  const tty = ctx.out.isTTY;
  const timing = options.fast ? FAST : NORMAL;
  const plans = demoPlans(timing);
  const { startSandbox, seedFromPlan } = await import("../../sandbox/index.ts");
  const sandbox = await startSandbox({ inSyncDelayMs: options.fast ? 200 : 800 });
  const dir = await mkdtemp(join(tmpdir(), "eks-bluegreen-demo-"));
  const env: NodeJS.ProcessEnv = { ...ctx.env, ...sandbox.env };
  delete env.AWS_PROFILE;
  const files: Record<string, string> = {};
  for (const [key, doc] of Object.entries(plans) as [string, PlanInput][]) {
    seedFromPlan(sandbox, Plan.parse(doc));
    files[key] = `${doc.metadata.name}.yaml`;
    await writeFile(join(dir, files[key]!), stringify(doc));
  }
  const cli = (args: string[]) =>
    runCli(json ? ["--output", "json", ...args] : args, { cwd: dir, env, capture: json });
  const say = (text = "") => ctx.out.print(text);
  const r53 = sandbox.world.route53;
  const greenWeight = (service: string) =>
    r53.record(r53.zoneByName("example.com")!.id, `${service}.example.com`, "A", `${service}-green`)?.Weight;

  try {
    say(bold("eks-bluegreen demo", tty));
    say(`A local AWS sandbox answers Route 53, CloudWatch, EKS and S3 at ${sandbox.endpoint}.`);
    say(`Plans and state live in ${dir}. Bakes take ${timing.bake} instead of hours.`);
    say();
    say(bold(`1. ${plans.complete.metadata.name}: a complete upgrade`, tty));
    say(`   $ eks-bluegreen run ${files.complete}`);
    say("   The last step waits for an approval; the demo gives it from another process after 2s,");
    say(`   as you would from another shell: eks-bluegreen approve ${files.complete} --by demo-operator`);
    say();
    let approving: Promise<unknown> | undefined;
    const approve = async (): Promise<void> => {
      await new Promise((r) => setTimeout(r, 2000));
      // A tick of `run` may hold the lock for a moment: try again, as a person would.
      for (let attempt = 0; attempt < 10; attempt++) {
        const r = await runCli(["approve", files.complete!, "--by", "demo-operator"], {
          cwd: dir,
          env,
          capture: true,
        });
        ctx.out.debug("demo-step", `demo approve: exit ${r.code}: ${r.stdout.trim()}`);
        if (r.code === 0) return;
        await new Promise((done) => setTimeout(done, 300));
      }
    };
    const watcher = setInterval(() => {
      void readState(dir, plans.complete.metadata.name).then((s) => {
        ctx.out.debug("demo-step", `demo watcher: ${s?.phase}`);
        if (s?.phase === "awaiting-approval" && !approving) approving = approve();
      });
    }, 300);
    const first = await cli(["run", files.complete!]);
    clearInterval(watcher);
    await approving;
    const one = outcome(
      plans.complete.metadata.name,
      first.code,
      await readState(dir, plans.complete.metadata.name),
    );
    if (ctx.signal.aborted) return interrupted(ctx, dir);

    say();
    say(bold(`2. ${plans.rollback.metadata.name}: an alarm fires at 50%`, tty));
    say(`   $ eks-bluegreen run ${files.rollback}`);
    say("   When green takes 50%, the sandbox sets checkout-5xx to ALARM; the tool goes back to blue.");
    say();
    let fired = false;
    const trigger = setInterval(() => {
      if (!fired && greenWeight("checkout") === 50) {
        fired = true;
        sandbox.faults.scheduleAlarm(
          "checkout-5xx",
          "ALARM",
          { afterMs: timing.alarmAfterMs },
          "5xx rate 7.3% above 1% (sandbox)",
        );
      }
    }, 100);
    const second = await cli(["run", files.rollback!]);
    clearInterval(trigger);
    const two = outcome(
      plans.rollback.metadata.name,
      second.code,
      await readState(dir, plans.rollback.metadata.name),
    );
    if (ctx.signal.aborted) return interrupted(ctx, dir);

    say();
    say(bold(`3. ${plans.metrics.metadata.name}: green judged against blue by its metrics`, tty));
    say(`   $ eks-bluegreen run ${files.metrics}`);
    say("   Each bake starts once green's observed share of requests reaches the weight written (DNS caches");
    say("   lag it); at 50% green's 5xx rate rises well above blue's while no alarm fires: the comparison");
    say("   rolls back.");
    say();
    const model = sandbox.world.traffic.describe();
    if (model) sandbox.world.traffic.configure({ ...model, ...demoTraffic(timing) });
    const third = await cli(["run", files.metrics!]);
    const three = outcome(
      plans.metrics.metadata.name,
      third.code,
      await readState(dir, plans.metrics.metadata.name),
    );
    if (ctx.signal.aborted) return interrupted(ctx, dir);

    say();
    say(bold("Summary", tty));
    for (const [i, o] of [one, two, three].entries()) {
      say(
        `  ${i + 1}. ${o.plan.padEnd(14)} ${o.phase.padEnd(12)} ${o.path.join("→")}% green  ${o.seconds.toFixed(1)}s  exit ${o.exitCode}`,
      );
      if (o.note) say(`     ${o.note}`);
      if (o.splits.length)
        say(`     bakes started at the observed split: ${o.splits.join(", ")}; no alarm fired`);
    }
    say();
    say(`The event logs stay in ${dir}: cd there and run \`eks-bluegreen history ${files.complete}\`.`);
    const ok =
      one.phase === "completed" &&
      one.exitCode === 0 &&
      two.phase === "rolled-back" &&
      two.exitCode === 3 &&
      three.phase === "rolled-back" &&
      three.exitCode === 3 &&
      three.alarmFired === false;
    if (!ok) {
      throw new ToolError("demo-failed", "The demo did not end as expected (see the output above).", {
        exitCode: ExitCode.Bug,
        fault: "tool",
        hint: "Run `npm start -- --debug` and report the output.",
      });
    }
    return { exitCode: ExitCode.Ok, json: { dir, upgrades: [one, two, three] } };
  } finally {
    await sandbox.close();
  }
}

function interrupted(ctx: CommandContext, dir: string): CommandResult {
  ctx.out.info("demo-interrupted", `Demo interrupted; the state so far is in ${dir}.`);
  return { exitCode: ExitCode.Ok, json: { dir, interrupted: true } };
}
