/**
 * `resume <plan> [--adopt] [--accept-plan-change]`: continue after a pause, a crash, drift (--adopt takes
 * the live weights as the expected ones) or a changed plan (--accept-plan-change pins the new hash);
 * then performs one tick.
 */
import type { CommandContext, CommandResult } from "../context.ts";
import { OPERATOR_LOCK_WAIT_MS, runTick } from "../../runner/driver.ts";
import { openSession } from "../../runner/session.ts";
import { operatorName } from "../operator-name.ts";
import { showingFailedTick, tickJson, tickText } from "../render/text.ts";

export async function handler(
  options: { file: string; adopt: boolean; acceptPlanChange: boolean; acceptDroppedTargets?: boolean },
  ctx: CommandContext,
): Promise<CommandResult> {
  const { plan, deps } = await openSession(options.file, ctx, "resume");
  const by = operatorName(ctx.env);
  // A tick of `run` or `advance` holds the lock for moments only: ask again for a while before exit 5.
  const result = await showingFailedTick(
    ctx.out,
    runTick(
      { ...deps, lockWaitMs: OPERATOR_LOCK_WAIT_MS },
      {
        kind: "resume",
        by,
        adopt: Boolean(options.adopt),
        acceptPlanChange: Boolean(options.acceptPlanChange),
        acceptDroppedTargets: Boolean(options.acceptDroppedTargets),
      },
    ),
  );
  for (const line of tickText(plan, result)) ctx.out.print(line);
  return { exitCode: result.exitCode, json: tickJson(plan, result) };
}
