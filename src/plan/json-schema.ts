/** The plan's JSON Schema (input side: defaults are optional), generated from the zod schema. */
import { z } from "zod";
import { Plan } from "./schema.ts";

export function planJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(Plan, { io: "input" }) as Record<string, unknown>;
}
