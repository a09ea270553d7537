/** Feeds generated hostile plans to `loadPlan` in-process and classifies the outcomes. */
import fc from "fast-check";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ExitCode, ToolError } from "../../../src/errors.ts";
import { loadPlan } from "../../../src/plan/load.ts";
import { hostilePlan } from "./hostile-plans.ts";

export interface FuzzFigures {
  runs: number;
  loaded: number;
  rejected: number;
  ms: number;
  /** Error codes seen, with counts. */
  codes: Record<string, number>;
}

export async function fuzzLoadPlan(numRuns: number, seed: number): Promise<FuzzFigures> {
  const dir = await mkdtemp(join(tmpdir(), "ebg-fuzz-"));
  const figures: FuzzFigures = { runs: numRuns, loaded: 0, rejected: 0, ms: 0, codes: {} };
  const started = Date.now();
  let n = 0;
  try {
    await fc.assert(
      fc.asyncProperty(hostilePlan, async (bytes) => {
        const file = join(dir, `p${n++}.yaml`);
        await writeFile(file, bytes);
        try {
          await loadPlan(file);
          figures.loaded += 1;
        } catch (error) {
          if (!(error instanceof ToolError) || error.exitCode !== ExitCode.Usage) {
            throw new Error(`not a plan error (exit 2): ${String((error as Error).stack ?? error)}`);
          }
          if (/\n\s+at /.test(error.message))
            throw new Error(`a stack trace in the message: ${error.message}`);
          figures.rejected += 1;
          figures.codes[error.code] = (figures.codes[error.code] ?? 0) + 1;
        }
      }),
      { numRuns, seed },
    );
  } finally {
    figures.ms = Date.now() - started;
    await rm(dir, { recursive: true, force: true });
  }
  return figures;
}
