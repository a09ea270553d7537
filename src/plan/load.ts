/**
 * Reads a plan file into a CompiledPlan, or throws a PlanError naming every problem.
 * (Minimal first version: the plan issue adds line/column positions, suggestions and semantic checks.)
 */
import { readFile } from "node:fs/promises";
import { parse } from "yaml";
import { Plan } from "./schema.ts";
import { compilePlan, type CompiledPlan } from "./compile.ts";
import { PlanError, type PlanIssue } from "../errors.ts";

export interface LoadedPlan extends CompiledPlan {
  /** Problems that do not stop the plan (shown by `plan`, logged by the others). */
  warnings: PlanIssue[];
}

export async function loadPlan(file: string): Promise<LoadedPlan> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new PlanError(file, [{ path: "", message: `cannot read the file: ${(error as Error).message}` }]);
  }
  const result = Plan.safeParse(parse(text));
  if (!result.success) {
    throw new PlanError(
      file,
      result.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })),
    );
  }
  return { ...compilePlan(result.data, file), warnings: [] };
}
