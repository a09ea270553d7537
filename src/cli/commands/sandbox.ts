// Placeholder until the command lands; replaced by its owner.
import { ToolError, ExitCode } from "../../errors.ts";
import type { CommandContext, CommandResult } from "../context.ts";

export async function handler(_options: unknown, _ctx: CommandContext): Promise<CommandResult> {
  throw new ToolError("not-implemented", "The sandbox command is not implemented yet.", {
    exitCode: ExitCode.Bug,
    fault: "tool",
  });
}
