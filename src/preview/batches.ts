/**
 * The Route 53 change batches each step would send. With live readings they are exact (the same
 * builder the adapter uses); offline, readings are synthesized from the plan and every field that would
 * be copied from the live record is marked as such.
 */
import type { Change, ResourceRecordSet } from "@aws-sdk/client-route-53";
import type { PairReading } from "../engine/ports.ts";
import { recordPairs } from "../engine/targets.ts";
import { buildWeightBatches, type ZoneBatch } from "../aws/route53-batch.ts";
import type { CompiledPlan } from "../plan/compile.ts";
import { ToolError } from "../errors.ts";

/** Stands for a value the tool copies from the record it reads just before the change. */
export const FROM_LIVE = "<from live record>";

export interface StepBatches {
  step: number;
  green: number;
  blue: number;
  batches: ZoneBatch[];
}

export interface ChangeBatches {
  /** True when built from live readings: exactly what would be sent. */
  exact: boolean;
  /** Why the batches are not exact, when they are not. */
  note?: string;
  steps: StepBatches[];
}

function fqdn(name: string): string {
  const lower = name.toLowerCase();
  return lower.endsWith(".") ? lower : `${lower}.`;
}

/** A reading made of what the plan knows; TTL and values are placeholders (see FROM_LIVE). */
export function syntheticReadings(plan: CompiledPlan): PairReading[] {
  return recordPairs(plan).map((pair) => {
    const record = (set: string, weight: number): ResourceRecordSet => ({
      Name: fqdn(pair.name),
      Type: pair.type as ResourceRecordSet["Type"],
      SetIdentifier: set,
      Weight: weight,
    });
    return {
      pair,
      zoneId: pair.zoneId?.replace(/^\/hostedzone\//, "") ?? `<zone id of ${pair.zoneName}>`,
      blue: record(pair.blue, 100),
      green: record(pair.green, 0),
      others: [],
    };
  });
}

function markCopiedFields(change: Change): Change {
  // Added after batching: the builder counts values against Route 53's limits and must not see placeholders.
  const record = { ...change.ResourceRecordSet, TTL: FROM_LIVE, ResourceRecords: FROM_LIVE };
  return { ...change, ResourceRecordSet: record as unknown as ResourceRecordSet };
}

function complete(readings: readonly PairReading[]): boolean {
  return readings.every((r) => r.zoneId !== undefined && r.blue !== undefined && r.green !== undefined);
}

export function buildChangeBatches(
  plan: CompiledPlan,
  live?: readonly PairReading[],
  liveUnreadable = false,
): ChangeBatches {
  const exact = live !== undefined && complete(live);
  const readings = exact ? live : syntheticReadings(plan);
  const steps: StepBatches[] = [];
  let note: string | undefined;
  for (const step of plan.steps) {
    let batches: ZoneBatch[] = [];
    try {
      batches = buildWeightBatches(readings, step.green);
    } catch (error) {
      if (!(error instanceof ToolError)) throw error;
      note = error.message;
    }
    if (!exact) {
      batches = batches.map((b) => ({ ...b, changes: b.changes.map(markCopiedFields) }));
    }
    steps.push({ step: step.index, green: step.green, blue: step.blue, batches });
  }
  if (!exact) {
    const marked = `fields marked ${FROM_LIVE} (TTL, values or AliasTarget, health check) are copied from each record when the step runs`;
    note ??= liveUnreadable
      ? `the records could not be read, so the batches are built from the plan; ${marked}`
      : live === undefined
        ? `offline: ${marked}; batch splits depend on the live values`
        : `some records or zones were not found in Route 53, so the batches are built from the plan; ${marked}`;
  }
  return { exact, ...(note ? { note } : {}), steps };
}
