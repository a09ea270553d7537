/**
 * `advance <plan>`: one tick for cron and CI. Moves at most one step (or rolls back), never blocks
 * longer than one Route 53 INSYNC wait, and exits with the documented code.
 */
import type { CommandContext, CommandResult } from "../context.ts";
import { heldByFleet } from "../fleet-option.ts";
import { signalExitCode } from "../../errors.ts";
import { DEFAULT_INSYNC_TIMEOUT_MS, runTick } from "../../runner/driver.ts";
import { openSession } from "../../runner/session.ts";
import { showingFailedTick, tickJson, tickText } from "../render/text.ts";
import { reportToGitHub } from "../github.ts";

export async function handler(
  options: { file: string; adoptLive?: boolean; fleet?: string },
  ctx: CommandContext,
): Promise<CommandResult> {
  const held = await heldByFleet(options, ctx);
  if (held) return held;
  const { plan, deps } = await openSession(options.file, ctx, "advance");
  // One tick for cron: blue's retirement waits no longer than an INSYNC wait; the next tick goes on.
  const result = await showingFailedTick(
    ctx.out,
    runTick(
      {
        ...deps,
        retireTimeoutMs: deps.insyncTimeoutMs ?? DEFAULT_INSYNC_TIMEOUT_MS,
        onProgress: (m) => ctx.out.debug("tick-progress", m),
      },
      { kind: "tick", ...(options.adoptLive ? { adoptLive: true } : {}) },
    ),
  );
  for (const line of tickText(plan, result)) ctx.out.print(line);
  await reportToGitHub(ctx, { command: "advance", planName: plan.name, planFile: plan.file, ...result });
  // Stopped by Ctrl-C or SIGTERM (after the safe stop): 130 / 143, so a cancelled CI job is not green.
  const exitCode = ctx.signal.aborted ? signalExitCode(ctx.signal) : result.exitCode;
  return { exitCode, json: { ...tickJson(plan, result), interrupted: ctx.signal.aborted } };
}
