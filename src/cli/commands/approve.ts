/** `approve <plan> [--by NAME]`: records an approval of the gate the upgrade waits at (or the next one). */
import type { CommandContext, CommandResult } from "../context.ts";
import { UsageError } from "../../errors.ts";
import { OPERATOR_LOCK_WAIT_MS, runTick } from "../../runner/driver.ts";
import { openSession } from "../../runner/session.ts";
import { operatorName } from "../operator-name.ts";
import { showingFailedTick, tickJson, tickText } from "../render/text.ts";

export async function handler(
  options: { file: string; by?: string },
  ctx: CommandContext,
): Promise<CommandResult> {
  if (options.by !== undefined && !options.by.trim()) {
    throw new UsageError(
      "--by is empty: it names who approves, for the event log.",
      'Pass --by NAME (e.g. --by "$USER"), or leave --by out to use $USER.',
    );
  }
  const by = operatorName(ctx.env, options.by);
  const { plan, deps } = await openSession(options.file, ctx, "approve");
  // A tick of `run` or `advance` holds the lock for moments only: ask again for a while before exit 5.
  const result = await showingFailedTick(
    ctx.out,
    runTick({ ...deps, lockWaitMs: OPERATOR_LOCK_WAIT_MS }, { kind: "approve", by }),
  );
  for (const line of tickText(plan, result)) ctx.out.print(line);
  return { exitCode: result.exitCode, json: tickJson(plan, result) };
}
