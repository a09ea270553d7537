/** `history <plan>`: the upgrade's event log, oldest first, with the evidence behind each transition. */
import type { CommandContext, CommandResult } from "../context.ts";
import { ExitCode } from "../../errors.ts";
import { loadState } from "../../runner/driver.ts";
import { openSession } from "../../runner/session.ts";
import { eventLine } from "../render/text.ts";

export async function handler(options: { file: string }, ctx: CommandContext): Promise<CommandResult> {
  const { plan, store } = await openSession(options.file, ctx, "history");
  const state = await loadState(store, plan);
  const events = state?.events ?? [];
  if (events.length === 0) ctx.out.print(`No upgrade of ${plan.name} has started (${store.location}).`);
  for (const e of events) {
    ctx.out.print(eventLine(e));
    const ev = e.evidence;
    if (ev?.alarms?.length)
      ctx.out.print(`    alarms: ${ev.alarms.map((a) => `${a.name} ${a.state}`).join(", ")}`);
    if (ev?.weights?.length) {
      ctx.out.print(
        `    weights: ${ev.weights.map((w) => `${w.name} ${w.blue ?? "-"}/${w.green ?? "-"}`).join(", ")}`,
      );
    }
    if (ev?.approvedBy) ctx.out.print(`    by: ${ev.approvedBy}`);
  }
  return {
    exitCode: ExitCode.Ok,
    json: { plan: plan.name, phase: state?.phase ?? "pending", events },
  };
}
