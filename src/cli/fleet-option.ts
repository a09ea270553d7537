/**
 * `--fleet` on `advance` and `run`: a plan its wave holds prints why and exits 0, before any lock or AWS
 * call. The fleet code loads only when the option is given.
 */
import type { CommandContext, CommandResult } from "./context.ts";

/** The result to return when the fleet holds the plan, or undefined when it may tick (or no fleet). */
export async function heldByFleet(
  options: { file: string; fleet?: string },
  ctx: CommandContext,
): Promise<CommandResult | undefined> {
  if (!options.fleet) return undefined;
  const { fleetGate } = await import("./fleet-gate.ts");
  return fleetGate(options.fleet, options.file, ctx);
}
