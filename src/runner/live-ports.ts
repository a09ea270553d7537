/** Ports for the live preview. Kept apart from plan.ts so `--offline` never loads the AWS adapters. */
import type { Ports } from "../engine/ports.ts";
import type { CompiledPlan } from "../plan/compile.ts";
import type { ShellContext } from "./context.ts";
import { createPorts } from "./ports.ts";

export async function livePorts(
  plan: CompiledPlan,
  ctx: Pick<ShellContext, "aws" | "signal" | "env" | "out">,
): Promise<Ports> {
  return createPorts(plan, ctx.aws, {
    signal: ctx.signal,
    env: ctx.env,
    onRetry: (info) =>
      ctx.out.debug(
        "aws-retry",
        `retrying ${info.operation} after ${info.code} (attempt ${info.attempt}) in ${info.delayMs}ms`,
      ),
    log: (line) => ctx.out.debug("aws-sdk-log", line),
  });
}
