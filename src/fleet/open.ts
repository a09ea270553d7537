/**
 * What the fleet commands share: the fleet (a fleet file, or a folder of plans), every plan's reading
 * and the wave decisions, all from the states as they are now.
 */
import { stat } from "node:fs/promises";
import { resolve } from "node:path";
import type { AwsSettings } from "../aws/settings.ts";
import { readFleet, type PlanReading } from "./read.ts";
import { decide, type Decision, type PlanSummary } from "./rules.ts";
import { loadFleet, loadFleetDir, type LoadedFleet } from "./schema.ts";
import type { DebugCode } from "../messages.ts";

/** What the fleet commands need of a command's context (the CLI's CommandContext has it). */
export interface FleetContext {
  cwd: string;
  aws: AwsSettings;
  env: NodeJS.ProcessEnv;
  signal: AbortSignal;
  out: { debug(code: DebugCode, text: string): void };
}

export async function openFleet(arg: string, ctx: Pick<FleetContext, "cwd">): Promise<LoadedFleet> {
  const info = await stat(resolve(ctx.cwd, arg)).catch(() => undefined);
  return info?.isDirectory() ? loadFleetDir(arg, { cwd: ctx.cwd }) : loadFleet(arg, { cwd: ctx.cwd });
}

export interface FleetView {
  fleet: LoadedFleet;
  readings: PlanReading[];
  decisions: Decision[];
}

export function summaries(readings: readonly PlanReading[]): Map<string, PlanSummary> {
  return new Map(readings.map((r) => [r.plan.name, r.summary]));
}

export async function viewFleet(fleet: LoadedFleet, ctx: FleetContext): Promise<FleetView> {
  const readings = await readFleet(fleet.plans, {
    cwd: ctx.cwd,
    aws: ctx.aws,
    env: ctx.env,
    signal: ctx.signal,
    onRetry: (info) => ctx.out.debug("aws-retry", `retry: ${JSON.stringify(info)}`),
  });
  return { fleet, readings, decisions: decide(fleet, summaries(readings)) };
}
