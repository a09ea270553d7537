/** `eks-bluegreen schema`: the plan's JSON Schema, for editors (yaml-language-server) and CI linters. */
import { planJsonSchema } from "../../plan/json-schema.ts";
import { ExitCode } from "../../errors.ts";
import type { CommandContext, CommandResult } from "../context.ts";

export async function handler(_options: object, ctx: CommandContext): Promise<CommandResult> {
  const schema = planJsonSchema();
  ctx.out.print(JSON.stringify(schema, null, 2));
  return { exitCode: ExitCode.Ok, json: schema };
}
