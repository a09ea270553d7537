/**
 * `run <plan>`: the whole upgrade in the foreground, as a loop of ticks (the lock is held one tick at a
 * time, never while waiting for Route 53). At an approval gate it waits and says how to approve from another
 * shell; Ctrl-C or SIGTERM stops between ticks (or ends an INSYNC wait early) with the state consistent,
 * says how to continue and exits 130 / 143. The plan file is read again at every tick.
 */
import type { CommandContext, CommandResult } from "../context.ts";
import { heldByFleet } from "../fleet-option.ts";
import { runLoop } from "../../runner/run-loop.ts";
import { loadState } from "../../runner/driver.ts";
import { openSession } from "../../runner/session.ts";
import { LiveView } from "../render/live.ts";
import { tickJson, warningLines } from "../render/text.ts";
import type { Finding } from "../../engine/observation.ts";
import { reportToGitHub } from "../github.ts";
import type { EventRecord } from "../../engine/state.ts";
import { signalExitCode } from "../../errors.ts";

/** Resolves after `ms`, or early and quietly when the signal aborts (the wait between ticks: abort ends the wait, not the run). */
export function sleepUntilAborted(ms: number, signal: AbortSignal, onSecond?: () => void): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    const ticker = onSecond ? setInterval(onSecond, 1000) : undefined;
    function done() {
      clearTimeout(timer);
      if (ticker) clearInterval(ticker);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}

export async function handler(
  options: { file: string; adoptLive?: boolean; fleet?: string },
  ctx: CommandContext,
): Promise<CommandResult> {
  const held = await heldByFleet(options, ctx);
  if (held) return held;
  const { plan, deps, reloadPlan } = await openSession(options.file, ctx, "run");
  const view = new LiveView(ctx.out, plan, ctx.now);
  let hinted = "";
  // Only what happens from now on: `history` shows what came before.
  let lastSeq = (await loadState(deps.store, plan).catch(() => undefined))?.events.length ?? 0;
  const seen: EventRecord[] = [];
  // The first tick's preflight findings: every warning is shown, and kept for the JSON document.
  let findings: Finding[] = [];
  const show = (e: EventRecord) => {
    if (e.seq <= lastSeq) return;
    lastSeq = e.seq;
    seen.push(e);
    view.event(e);
  };
  const result = await runLoop({
    ...deps,
    reloadPlan,
    onEvent: show,
    onLoad: (state) => state.events.forEach(show),
    onProgress: (m) => ctx.out.debug("tick-progress", m),
    onRetry: (e) => view.note(`will look again: ${e.message}`),
    ...(options.adoptLive ? { adoptLive: true } : {}),
    onTick: (r) => {
      if (findings.length === 0 && r.findings.length > 0) {
        findings = r.findings;
        for (const line of warningLines(r.findings)) view.note(line);
      }
      view.update(r.state, r.observation, r.reason);
      const phase = r.state?.phase;
      // On a terminal the live panel shows the command; a log gets it once per wait.
      const waiting = phase === "awaiting-approval" || phase === "waiting-to-retire";
      if (waiting && !ctx.out.isTTY && hinted !== r.reason) {
        hinted = r.reason;
        view.note(
          `From another shell: eks-bluegreen approve ${plan.file}   (or: eks-bluegreen rollback ${plan.file})`,
        );
      }
    },
    sleep: (ms) => sleepUntilAborted(ms, ctx.signal, () => view.refresh()),
  });
  view.stop();
  const { last } = result;
  if (result.interrupted) {
    ctx.out.info(
      "run-interrupted",
      `Stopped; the state is consistent (${last.state?.phase ?? "pending"} at step ${last.state?.step ?? 0}). Continue with \`eks-bluegreen run ${plan.file}\` or \`eks-bluegreen advance ${plan.file}\`.`,
    );
  } else if (last.meanwhile) {
    ctx.out.info("run-stopped", `Stopped: ${last.reason}`);
  } else if (last.state?.phase === "paused") {
    ctx.out.info(
      "run-paused",
      `Paused: ${last.reason}\nSee docs/runbook.md; continue with \`eks-bluegreen resume ${plan.file}\` (add --adopt after drift) or go back with \`eks-bluegreen rollback ${plan.file}\`.`,
    );
  }
  await reportToGitHub(ctx, {
    command: "run",
    planName: plan.name,
    planFile: plan.file,
    ...last,
    events: seen,
  });
  return {
    // Stopped by Ctrl-C or SIGTERM (after the safe stop): 130 / 143, so a cancelled CI job is not green.
    exitCode: result.interrupted ? signalExitCode(ctx.signal) : last.exitCode,
    json: {
      ...tickJson(plan, last),
      findings: last.findings.length > 0 ? last.findings : findings,
      events: seen,
      ticks: result.ticks,
      interrupted: result.interrupted,
    },
  };
}
