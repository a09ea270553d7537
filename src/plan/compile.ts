/**
 * Compiles a parsed plan into what the engine and the preview work with: steps numbered from 1 with
 * both weights, durations in milliseconds, and the content hash the state is pinned to.
 */
import { createHash } from "node:crypto";
import type { PlanDoc } from "./schema.ts";
import { parseDuration } from "./duration.ts";

export interface CompiledStep {
  /** 1-based (step 0 is "before the first shift"). */
  index: number;
  /** Percent of traffic to green after this step; blue gets 100 − green. */
  green: number;
  blue: number;
  bakeMs: number;
  /** An approval gate stands before this step. */
  approval: boolean;
}

export interface CompiledPlan {
  doc: PlanDoc;
  /** The plan file as given on the command line. */
  file: string;
  name: string;
  /** sha256 of the plan's canonical JSON (comments and formatting do not change it). */
  hash: string;
  steps: CompiledStep[];
  pollIntervalMs: number;
  holdTimeoutMs: number;
  retireAfterMs: number;
  approvalExpireMs: number | undefined;
  pendingGraceMs: number | undefined;
}

/** A stable JSON form (keys sorted, undefined left out): the plan hash and fleet identities use it. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

export function planHash(doc: PlanDoc): string {
  return createHash("sha256").update(canonical(doc)).digest("hex");
}

export function compilePlan(doc: PlanDoc, file: string): CompiledPlan {
  return {
    doc,
    file,
    name: doc.metadata.name,
    hash: planHash(doc),
    steps: doc.steps.map((s, i) => ({
      index: i + 1,
      green: s.green,
      blue: 100 - s.green,
      bakeMs: parseDuration(s.bake),
      approval: s.approval,
    })),
    pollIntervalMs: parseDuration(doc.alarms.pollInterval),
    holdTimeoutMs: parseDuration(doc.rollback.holdTimeout),
    retireAfterMs: parseDuration(doc.retire.after),
    approvalExpireMs:
      doc.approvals.expireAfter === undefined ? undefined : parseDuration(doc.approvals.expireAfter),
    pendingGraceMs: doc.health?.kubernetes ? parseDuration(doc.health.kubernetes.pendingGrace) : undefined,
  };
}
