/**
 * `eks-bluegreen plan <file> [--offline]`: validate the plan, read the live state (read-only) unless
 * offline, and print the preview. Exit 0, or 4 when the preview has error findings; an invalid plan is
 * a PlanError (exit 2). The AWS SDK is imported only on the live path, so `--offline` starts fast.
 */
import { loadPlan } from "../../plan/load.ts";
import { buildPreview } from "../../preview/preview.ts";
import { renderPreview } from "../../preview/render.ts";
import { ExitCode } from "../../errors.ts";
import type { Ports } from "../../engine/ports.ts";
import type { CompiledPlan } from "../../plan/compile.ts";
import type { CommandContext, CommandResult } from "../context.ts";

export interface PlanOptions {
  file: string;
  offline: boolean;
}

export type PortsFactory = (plan: CompiledPlan, ctx: CommandContext) => Promise<Ports>;

const awsPorts: PortsFactory = async (plan, ctx) => {
  const { livePorts } = await import("../../runner/live-ports.ts");
  return livePorts(plan, ctx);
};

export async function runPlan(
  options: PlanOptions,
  ctx: CommandContext,
  portsFor: PortsFactory = awsPorts,
): Promise<CommandResult> {
  const plan = await loadPlan(options.file);
  let observation;
  if (!options.offline) {
    const { observe } = await import("../../runner/observe.ts");
    ctx.out.debug(
      "plan-reading",
      `reading green's cluster, ${plan.doc.traffic.records.length} record pair(s) and the alarms`,
    );
    const ports = await portsFor(plan, ctx);
    // The same reads as the first tick's preflight, the resilience audit included.
    // With analysis: each metric's latest values on both sides, over the last hour (or its longest window).
    const { LATEST_LOOKBACK_MS } = await import("../../preview/analysis.ts");
    const { longestWindowMs } = await import("../../engine/analysis.ts");
    const end = ctx.now();
    const lookback = Math.max(LATEST_LOOKBACK_MS, longestWindowMs(plan));
    observation = await observe(ports, plan, {
      signal: ctx.signal,
      now: end,
      audit: true,
      ...(plan.doc.analysis ? { analysis: { start: new Date(end.getTime() - lookback), end } } : {}),
    });
    // As on the first tick: another upgrade beside this one that moves the same records is an error.
    const { openStateStore } = await import("../../state/index.ts");
    const { readOtherUpgrades } = await import("../../runner/driver.ts");
    if (plan.doc.state.backend === "local" || ports.objects) {
      const store = openStateStore(plan, {
        cwd: ctx.cwd,
        ...(ports.objects ? { objects: ports.objects } : {}),
      });
      observation.others = await readOtherUpgrades(store, (code, m) => ctx.out.debug(code, m));
    }
    if (plan.doc.notifications) {
      const { notificationFindings } = await import("../../notify/index.ts");
      observation.config = notificationFindings(plan.doc, ctx.env);
    }
  }
  const preview = buildPreview(plan, observation);
  ctx.out.print(renderPreview(preview));
  return { exitCode: preview.summary.errors > 0 ? ExitCode.NeedsPerson : ExitCode.Ok, json: preview };
}

export async function handler(options: PlanOptions, ctx: CommandContext): Promise<CommandResult> {
  return runPlan(options, ctx);
}
