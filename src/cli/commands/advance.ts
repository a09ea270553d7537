/**
 * `advance <plan>`: one tick for cron and CI. Moves at most one step (or rolls back), never blocks
 * longer than one Route 53 INSYNC wait, and exits with the documented code.
 */
import type { CommandContext, CommandResult } from "../context.ts";
import { DEFAULT_INSYNC_TIMEOUT_MS, runTick } from "../../engine/driver.ts";
import { openSession } from "../../engine/session.ts";
import { tickJson, tickText } from "../render/text.ts";
import { reportToGitHub } from "../github.ts";

export async function handler(options: { file: string }, ctx: CommandContext): Promise<CommandResult> {
  const { plan, deps } = await openSession(options.file, ctx, "advance");
  // One tick for cron: blue's retirement waits no longer than an INSYNC wait; the next tick goes on.
  const result = await runTick({
    ...deps,
    retireTimeoutMs: deps.insyncTimeoutMs ?? DEFAULT_INSYNC_TIMEOUT_MS,
    onProgress: (m) => ctx.out.debug(m),
  });
  for (const line of tickText(plan, result)) ctx.out.print(line);
  await reportToGitHub(ctx, { command: "advance", planName: plan.name, planFile: plan.file, ...result });
  return { exitCode: result.exitCode, json: tickJson(plan, result) };
}
