/**
 * `run <plan>`: the whole upgrade in the foreground, as a loop of ticks (the lock is held one tick at a
 * time). At an approval gate it waits and says how to approve from another shell; Ctrl-C stops between
 * ticks (or ends an INSYNC wait early) with the state consistent, and says how to continue.
 */
import type { CommandContext, CommandResult } from "../context.ts";
import { runLoop } from "../../engine/run-loop.ts";
import { loadState } from "../../engine/driver.ts";
import { openSession } from "../../engine/session.ts";
import { LiveView } from "../render/live.ts";
import { tickJson } from "../render/text.ts";
import { reportToGitHub } from "../github.ts";
import type { EventRecord } from "../../engine/state.ts";

export function abortableSleep(ms: number, signal: AbortSignal, onSecond?: () => void): Promise<void> {
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

export async function handler(options: { file: string }, ctx: CommandContext): Promise<CommandResult> {
  const { plan, deps } = await openSession(options.file, ctx, "run");
  const view = new LiveView(ctx.out, plan, ctx.now);
  let hinted = "";
  // Only what happens from now on: `history` shows what came before.
  let lastSeq = (await loadState(deps.store, plan).catch(() => undefined))?.events.length ?? 0;
  const seen: EventRecord[] = [];
  const show = (e: EventRecord) => {
    if (e.seq <= lastSeq) return;
    lastSeq = e.seq;
    seen.push(e);
    view.event(e);
  };
  const result = await runLoop({
    ...deps,
    onEvent: show,
    onLoad: (state) => state.events.forEach(show),
    onProgress: (m) => ctx.out.debug(m),
    onRetry: (e) => view.note(`will look again: ${e.message}`),
    onTick: (r) => {
      view.update(r.state, r.observation, r.reason);
      const phase = r.state?.phase;
      if ((phase === "awaiting-approval" || phase === "waiting-to-retire") && hinted !== r.reason) {
        hinted = r.reason;
        view.note(
          `From another shell: eks-bluegreen approve ${plan.file}   (or: eks-bluegreen rollback ${plan.file})`,
        );
      }
    },
    sleep: (ms) => abortableSleep(ms, ctx.signal, () => view.refresh()),
  });
  view.stop();
  const { last } = result;
  if (result.interrupted) {
    ctx.out.info(
      `Stopped; the state is consistent (${last.state?.phase ?? "pending"} at step ${last.state?.step ?? 0}). Continue with \`eks-bluegreen run ${plan.file}\` or \`eks-bluegreen advance ${plan.file}\`.`,
    );
  } else if (last.state?.phase === "paused") {
    ctx.out.info(
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
    exitCode: last.exitCode,
    json: { ...tickJson(plan, last), events: seen, ticks: result.ticks, interrupted: result.interrupted },
  };
}
