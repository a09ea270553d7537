/** `rollback <plan> [--reason TEXT]`: manual abort, every pair back to 100% blue (exit 3). */
import type { CommandContext, CommandResult } from "../context.ts";
import { OPERATOR_LOCK_WAIT_MS, runTick } from "../../runner/driver.ts";
import { openSession } from "../../runner/session.ts";
import { operatorName } from "../operator-name.ts";
import { showingFailedTick, tickJson, tickText } from "../render/text.ts";

export async function handler(
  options: { file: string; reason?: string },
  ctx: CommandContext,
): Promise<CommandResult> {
  const { plan, deps } = await openSession(options.file, ctx, "rollback");
  const by = operatorName(ctx.env);
  // A tick of `run` or `advance` holds the lock for moments only: ask again for a while before exit 5.
  const result = await showingFailedTick(
    ctx.out,
    runTick(
      { ...deps, lockWaitMs: OPERATOR_LOCK_WAIT_MS },
      {
        kind: "rollback",
        by,
        ...(options.reason ? { reason: options.reason } : {}),
      },
    ),
  );
  for (const line of tickText(plan, result)) ctx.out.print(line);
  return { exitCode: result.exitCode, json: tickJson(plan, result) };
}
