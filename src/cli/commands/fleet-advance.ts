/**
 * `fleet advance <fleet>`: one tick of every plan the wave rules let move, one after the other, each
 * through the `advance` handler under its own lock; held plans are not touched. Sums up in one table
 * (and JSON); the exit code is the worst of the ticks, in the order of FLEET_EXIT_ORDER.
 */
import type { CommandContext, CommandResult, Output } from "../context.ts";
import { ExitCode, SignalExitCode, ToolError } from "../../errors.ts";
import { openFleet, viewFleet } from "../../fleet/open.ts";
import { holdText } from "../../fleet/rules.ts";
import { table } from "../../fleet/rows.ts";

/** Worst first: a bug, a plan that cannot be used, a rollback, a person needed, a lock held elsewhere. */
export const FLEET_EXIT_ORDER: readonly ExitCode[] = [1, 2, 3, 4, 5, 0];

export function worstExit(codes: readonly (ExitCode | SignalExitCode)[]): ExitCode | SignalExitCode {
  // Stopped by Ctrl-C or SIGTERM: the fleet run was cancelled, whatever the ticks said.
  const signal = codes.find((c) => c === SignalExitCode.SIGINT || c === SignalExitCode.SIGTERM);
  if (signal !== undefined) return signal;
  return FLEET_EXIT_ORDER.find((c) => codes.includes(c as ExitCode)) ?? ExitCode.Ok;
}

interface TickJson {
  phase: string;
  step: number;
  weights: { blue: number; green: number } | null;
  reason: string;
}

function prefixed(out: Output, prefix: string): Output {
  return { ...out, print: (text) => out.print(`${prefix}${text}`) };
}

export async function handler(options: { file: string }, ctx: CommandContext): Promise<CommandResult> {
  const fleet = await openFleet(options.file, ctx);
  const { readings, decisions } = await viewFleet(fleet, ctx);
  const { handler: advance } = await import("./advance.ts");
  const results = [];
  for (const r of readings) {
    const d = decisions.find((x) => x.plan === r.plan.name)!;
    const s = r.summary;
    const base = { plan: r.plan.name, file: r.plan.file, wave: d.wave };
    const now = {
      phase: s.kind === "started" ? s.phase : s.kind === "damaged" ? "damaged" : "pending",
      step: s.kind === "started" ? s.step : 0,
      weights:
        s.kind === "started"
          ? { blue: 100 - s.green, green: s.green }
          : s.kind === "damaged"
            ? null
            : { blue: 100, green: 0 },
    };
    if (d.kind !== "move") {
      const reason = d.kind === "hold" ? holdText(d.hold) : `Nothing to do: ${now.phase}.`;
      results.push({
        ...base,
        action: d.kind === "hold" ? "held" : "done",
        exitCode: ExitCode.Ok,
        ...now,
        reason,
        hold: d.kind === "hold" ? d.hold : null,
        error: null,
      });
      continue;
    }
    try {
      const out = await advance(
        { file: r.plan.file },
        { ...ctx, out: prefixed(ctx.out, `[${r.plan.name}] `) },
      );
      const j = out.json as TickJson;
      results.push({
        ...base,
        action: "ticked",
        exitCode: out.exitCode,
        phase: j.phase,
        step: j.step,
        weights: j.weights,
        reason: j.reason,
        hold: null,
        error: null,
      });
    } catch (error) {
      const known = error instanceof ToolError;
      const code = known ? error.exitCode : ExitCode.Bug;
      const message = error instanceof Error ? error.message : String(error);
      ctx.out.info("fleet-member-failed", `[${r.plan.name}] error: ${message}`);
      results.push({
        ...base,
        action: "failed",
        exitCode: code,
        ...now,
        reason: message,
        hold: null,
        error: { code: known ? error.code : "internal", message, hint: known ? (error.hint ?? null) : null },
      });
    }
  }
  const exitCode = worstExit(results.map((x) => x.exitCode));
  ctx.out.print(
    `Fleet ${fleet.name} (${fleet.file}): ${results.filter((x) => x.action === "ticked").length} ticked, ${results.filter((x) => x.action === "held").length} held`,
  );
  for (const line of table(
    ["PLAN", "WAVE", "ACTION", "EXIT", "PHASE", "STEP", "WEIGHTS", "REASON"],
    results.map((x) => [
      x.plan,
      x.wave,
      x.action,
      String(x.exitCode),
      x.phase,
      String(x.step),
      x.weights ? `${x.weights.blue}/${x.weights.green}` : "?",
      x.reason.split("\n")[0] ?? "",
    ]),
  ))
    ctx.out.print(line);
  return {
    exitCode,
    json: { fleet: { name: fleet.name, file: fleet.file, onProblem: fleet.onProblem }, results, exitCode },
  };
}
