/**
 * The detailed results of this run's benches, kept for docs/performance.md (the runner's table only
 * holds one number a figure). Each bench module fills its own entry.
 */
import type { EconomyCase } from "../economy.ts";
import type { ColdStartCpu } from "../cold-start.ts";
import type { ReactionResult } from "../reaction.ts";
import type { ScaleResult } from "../scale.ts";
import type { JudgementResult } from "../judgement.ts";

export interface RawResults {
  reaction?: ReactionResult;
  economy?: EconomyCase[];
  coldStart?: ColdStartCpu;
  scale?: ScaleResult;
  judgement?: JudgementResult;
}

export const raw: RawResults = {};

/** The AWS SDK's Node-version notice would interleave with the table. */
export function quietProcessWarnings(): void {
  process.removeAllListeners("warning");
  process.on("warning", () => {});
}
