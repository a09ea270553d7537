/** Ports for the live preview. Kept apart from plan.ts so `--offline` never loads the AWS SDK. */
import type { Ports } from "../aws/ports.ts";
import type { CompiledPlan } from "../plan/compile.ts";
import type { AwsSettings } from "../cli/context.ts";
import { ToolError, ExitCode } from "../errors.ts";

export async function livePorts(
  _plan: CompiledPlan,
  _settings: AwsSettings,
  _signal: AbortSignal,
): Promise<Ports> {
  // Replaced by createPorts from src/aws/index.ts as soon as the adapters land.
  throw new ToolError("not-available", "The live preview needs the AWS adapters, which are not built yet.", {
    hint: "Run `eks-bluegreen plan --offline <plan>` for now.",
    exitCode: ExitCode.NeedsPerson,
  });
}
