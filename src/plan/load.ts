/**
 * Reads a plan file into a CompiledPlan, or throws a PlanError naming every problem with its file,
 * line, column, field path and fix. Files are checked before parsing (missing, a directory, too large,
 * not text), YAML errors and alias bombs are caught, the schema and the semantic rules both run.
 */
import { open } from "node:fs/promises";
import { resolve } from "node:path";
import { Plan } from "./schema.ts";
import { compilePlan, type CompiledPlan } from "./compile.ts";
import { PlanError, type PlanIssue } from "../errors.ts";
import { formatPath, parseYaml, type PlanSource } from "./source.ts";
import { byPosition, fromZodIssues } from "./issues.ts";
import { validatePlan, type SemanticIssue } from "./validate.ts";

export interface LoadedPlan extends CompiledPlan {
  /** Problems that do not stop the plan (shown by `plan`, logged by the others). */
  warnings: PlanIssue[];
}

/** Plans are a few kilobytes; anything above this is not a plan, and is refused before parsing. */
export const MAX_PLAN_BYTES = 1024 * 1024;

function fileIssue(message: string, hint?: string): PlanIssue[] {
  return [{ path: "", message, ...(hint ? { hint } : {}) }];
}

function readError(error: NodeJS.ErrnoException): PlanIssue[] {
  switch (error.code) {
    case "ENOENT":
      return fileIssue("no such file", "check the path; example plans are in plans/");
    case "EISDIR":
      return fileIssue("is a directory, not a plan file", "name the YAML file inside it");
    case "EACCES":
    case "EPERM":
      return fileIssue("permission denied", "check the file's permissions");
    case "ENOTDIR":
      return fileIssue("a part of the path is not a directory", "check the path");
    default:
      return fileIssue(`cannot read the file: ${error.message}`);
  }
}

/** How to name a plan file, for problems with the file itself (there are no fields to fix). */
const GIVE_A_PATH =
  "Give the path of a plan YAML file, relative to the current directory or absolute, e.g. " +
  "`eks-bluegreen status plans/minimal.yaml` (`audit` and `sandbox` take it as `--plan <file>`); " +
  "example plans are in plans/.";

/** A problem with the file, not its fields: a missing file says so plainly, and how to give a path. */
function fileError(file: string, error: NodeJS.ErrnoException): PlanError {
  if (error.code === "ENOENT") {
    return new PlanError(file, readError(error), {
      message: `The plan file ${file} does not exist (looked for ${resolve(file)}).`,
      hint: GIVE_A_PATH,
    });
  }
  return new PlanError(file, readError(error), { hint: GIVE_A_PATH });
}

async function readPlanBytes(file: string): Promise<Buffer> {
  let handle;
  try {
    handle = await open(file, "r");
  } catch (error) {
    throw fileError(file, error as NodeJS.ErrnoException);
  }
  try {
    const info = await handle.stat();
    if (info.isDirectory()) throw fileError(file, { code: "EISDIR" } as NodeJS.ErrnoException);
    if (!info.isFile())
      throw new PlanError(file, fileIssue("is not a regular file", "give the path of a YAML file"));
    if (info.size > MAX_PLAN_BYTES) {
      throw new PlanError(
        file,
        fileIssue(
          `is ${(info.size / 1024 / 1024).toFixed(1)} MiB; a plan may be at most 1 MiB`,
          "is this the right file? plans are a few kilobytes of YAML",
        ),
      );
    }
    // Read at most one byte past the limit, in case the file grew after stat.
    const buffer = Buffer.alloc(MAX_PLAN_BYTES + 1);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    if (bytesRead > MAX_PLAN_BYTES)
      throw new PlanError(file, fileIssue("is larger than 1 MiB", "plans are a few kilobytes"));
    return buffer.subarray(0, bytesRead);
  } catch (error) {
    if (error instanceof PlanError) throw error;
    throw fileError(file, error as NodeJS.ErrnoException);
  } finally {
    await handle.close();
  }
}

/** Text from bytes, refusing binary content (NUL bytes or invalid UTF-8). */
export function decodePlanText(bytes: Uint8Array, file: string): string {
  const notText = () =>
    new PlanError(
      file,
      fileIssue("is not a text file (it holds binary data)", "give the path of a YAML plan file"),
    );
  if (bytes.includes(0)) throw notText();
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw notText();
  }
}

function locateAll(issues: readonly SemanticIssue[], source: PlanSource): PlanIssue[] {
  return issues.map((i) => {
    const pos = source.locate(i.path);
    return {
      path: formatPath(i.path),
      code: i.code,
      message: i.message,
      ...(i.hint ? { hint: i.hint } : {}),
      ...(pos ? { line: pos.line, column: pos.column } : {}),
    };
  });
}

/** Parses and validates plan text (the file name is for messages only). */
export function parsePlan(text: string, file: string): LoadedPlan {
  const parsed = parseYaml(text);
  if (!parsed.ok) throw new PlanError(file, parsed.issues);
  const { source } = parsed;
  const result = Plan.safeParse(source.data);
  if (!result.success) throw new PlanError(file, fromZodIssues(result.error.issues, Plan, source));
  const { errors, warnings } = validatePlan(result.data);
  if (errors.length > 0) throw new PlanError(file, locateAll(errors, source).sort(byPosition));
  return { ...compilePlan(result.data, file), warnings: locateAll(warnings, source) };
}

export async function loadPlan(file: string): Promise<LoadedPlan> {
  const bytes = await readPlanBytes(file);
  return parsePlan(decodePlanText(bytes, file), file);
}
