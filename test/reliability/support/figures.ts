/**
 * Figures the reliability tests measure (points tried, retries, timings). Each test appends them to a
 * JSON-lines file named by EKS_BLUEGREEN_FIGURES (set by vitest.reliability.config.ts); the config's
 * teardown prints them. Without the variable (the fast part inside `npm test`) nothing is written.
 */
import { appendFileSync } from "node:fs";

export function recordFigure(suite: string, name: string, value: unknown): void {
  const file = process.env.EKS_BLUEGREEN_FIGURES;
  if (!file) return;
  appendFileSync(file, `${JSON.stringify({ suite, name, value })}\n`);
}
