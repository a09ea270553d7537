/**
 * `advance --fleet` and `run --fleet`: the fleet's wave rules applied to one plan before its tick. A plan
 * the waves hold prints why and exits 0 (it waits for time to pass, or for a person elsewhere); it never
 * takes its lock and never calls Route 53, CloudWatch or EKS. Only the states of its own and the earlier
 * waves are read.
 */
import { resolve } from "node:path";
import type { CommandContext, CommandResult } from "./context.ts";
import { ExitCode, UsageError } from "../errors.ts";
import { readFleet } from "../fleet/read.ts";
import { decideFor, holdText } from "../fleet/rules.ts";
import { openFleet, summaries } from "../fleet/open.ts";

/** The result to return when the fleet holds `planFile`, or undefined when it may tick. */
export async function fleetGate(
  fleetFile: string,
  planFile: string,
  ctx: CommandContext,
): Promise<CommandResult | undefined> {
  const fleet = await openFleet(fleetFile, ctx);
  const target = resolve(ctx.cwd, planFile);
  const mine = fleet.plans.find((p) => resolve(ctx.cwd, p.file) === target);
  if (!mine) {
    throw new UsageError(
      `The plan ${planFile} is not in the fleet ${fleetFile}.`,
      `Name one of its plans (${fleet.plans.map((p) => p.file).join(", ")}), or drop --fleet.`,
    );
  }
  const relevant = fleet.plans.filter((p) => p.wave <= mine.wave);
  const readings = await readFleet(relevant, {
    cwd: ctx.cwd,
    aws: ctx.aws,
    env: ctx.env,
    signal: ctx.signal,
    onRetry: (info) => ctx.out.debug("aws-retry", `retry: ${JSON.stringify(info)}`),
  });
  const shape = { onProblem: fleet.onProblem, waves: fleet.waves.slice(0, mine.wave + 1) };
  const decision = decideFor(shape, summaries(readings), mine.name);
  if (decision?.kind !== "hold") return undefined;
  const reason = holdText(decision.hold);
  ctx.out.print(`${mine.name}: pending at step 0, blue 100% / green 0% — ${reason}`);
  return {
    exitCode: ExitCode.Ok,
    json: {
      plan: mine.name,
      phase: "pending",
      step: 0,
      weights: { blue: 100, green: 0 },
      reason,
      exitCode: ExitCode.Ok,
      verdict: null,
      events: [],
      findings: [],
      fleet: { name: fleet.name, file: fleet.file, wave: decision.wave, hold: decision.hold },
    },
  };
}
