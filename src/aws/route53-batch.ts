/**
 * Builds the ChangeResourceRecordSets batches that move a set of record pairs to a weight, as pure
 * data: the adapter sends them, the preview prints them. Route 53 mechanics only; no upgrade rules.
 *
 * - Each record is UPSERTed whole, with only `Weight` changed: TTL, values, AliasTarget, HealthCheckId
 *   and everything else come from the record as read.
 * - One batch per hosted zone; a zone's batch is split only past Route 53's limits (1,000
 *   ResourceRecord elements and 32,000 value characters a request, UPSERT counting twice). Both records
 *   of a pair, and every pair of one weighted group, always travel in the same batch, so no group is
 *   ever seen half-changed: Route 53 applies a batch atomically.
 */
import type { Change, ResourceRecordSet } from "@aws-sdk/client-route-53";
import type { PairReading, RecordSet } from "../engine/ports.ts";
import { ToolError, ExitCode } from "../errors.ts";

export const ROUTE53_LIMITS = {
  /** ResourceRecord elements per request; an UPSERT's values count twice. */
  maxRecordElements: 1000,
  /** Characters of record values per request; an UPSERT's values count twice. */
  maxValueCharacters: 32_000,
  /** Highest weight Route 53 accepts. */
  maxWeight: 255,
} as const;

export interface ZoneBatch {
  zoneId: string;
  /** 1-based index of this batch within its zone, and how many batches the zone needs. */
  part: number;
  parts: number;
  changes: Change[];
  /** Record pairs in this batch. */
  pairs: number;
}

/** Route 53 weights for a pair at `greenPercent` of traffic to green (DESIGN.md, "Weights"). */
export function weightsFor(greenPercent: number): { blue: number; green: number } {
  if (!Number.isInteger(greenPercent) || greenPercent < 0 || greenPercent > 100) {
    throw new ToolError(
      "invalid-weight",
      `Green's share must be a whole percent from 0 to 100, not ${greenPercent}.`,
      {
        exitCode: ExitCode.Bug,
        fault: "tool",
      },
    );
  }
  return { blue: 100 - greenPercent, green: greenPercent };
}

/**
 * A record as read, typed again as the SDK's. The one cast of the Route 53 adapter: a reading's records
 * are the SDK's objects, handed to the core whole and typed there by the fields it reads
 * (`engine/ports.ts` `RecordSet`), so every other field (values, AliasTarget, HealthCheckId) is still
 * on them and goes back to Route 53 as read.
 */
export function asRecordSet(record: RecordSet): ResourceRecordSet {
  return record as ResourceRecordSet;
}

/** A record's cost against the per-request limits, for an UPSERT (values count twice). */
export function upsertCost(record: RecordSet): { elements: number; characters: number } {
  return changeCost({ Action: "UPSERT", ResourceRecordSet: asRecordSet(record) });
}

function withWeight(record: RecordSet, weight: number): ResourceRecordSet {
  if (!Number.isInteger(weight) || weight < 0 || weight > ROUTE53_LIMITS.maxWeight) {
    throw new ToolError("invalid-weight", `Route 53 weights run from 0 to 255; refusing to send ${weight}.`, {
      exitCode: ExitCode.Bug,
      fault: "tool",
    });
  }
  return { ...asRecordSet(record), Weight: weight };
}

function groupKey(r: PairReading): string {
  return `${r.zoneId}\u0000${r.pair.name.toLowerCase().replace(/\.$/, "")}\u0000${r.pair.type}`;
}

/**
 * The batches that set every pair to `greenPercent`. Throws when a record is missing (read first and
 * stop on findings) or when a weighted group would end with every weight at 0.
 */
export function buildWeightBatches(readings: readonly PairReading[], greenPercent: number): ZoneBatch[] {
  const target = weightsFor(greenPercent);
  const groups = new Map<string, Change[]>();
  const groupPairs = new Map<string, number>();
  const groupOthers = new Map<string, number>();
  for (const r of readings) {
    if (!r.zoneId || !r.blue || !r.green) {
      throw new ToolError(
        "record-missing",
        `Record pair ${r.pair.name} ${r.pair.type} (${r.pair.blue}/${r.pair.green}) is not complete in Route 53.`,
        { hint: "Run `eks-bluegreen plan` to see which record is missing.", exitCode: ExitCode.NeedsPerson },
      );
    }
    const key = groupKey(r);
    const changes = groups.get(key) ?? [];
    changes.push(
      { Action: "UPSERT", ResourceRecordSet: withWeight(r.blue, target.blue) },
      { Action: "UPSERT", ResourceRecordSet: withWeight(r.green, target.green) },
    );
    groups.set(key, changes);
    groupPairs.set(key, (groupPairs.get(key) ?? 0) + 1);
    groupOthers.set(
      key,
      Math.max(
        groupOthers.get(key) ?? 0,
        r.others.reduce((s, o) => s + (o.Weight ?? 0), 0),
      ),
    );
  }
  for (const [key, changes] of groups) {
    const total =
      changes.reduce((s, c) => s + (c.ResourceRecordSet?.Weight ?? 0), 0) + (groupOthers.get(key) ?? 0);
    if (total === 0) {
      throw new ToolError(
        "all-zero-weights",
        "Refusing to set every weight of a group to 0 (Route 53 would then spread traffic evenly).",
        {
          exitCode: ExitCode.Bug,
          fault: "tool",
        },
      );
    }
  }

  const units: BatchUnit[] = [];
  for (const [key, changes] of groups) {
    units.push({ zoneId: key.split("\u0000")[0]!, changes, pairs: groupPairs.get(key) ?? 0 });
  }
  return splitIntoBatches(units);
}

/** Changes that must travel in one request (a weighted group, or one record to delete). */
export interface BatchUnit {
  zoneId: string;
  changes: Change[];
  /** Record pairs the unit touches. */
  pairs: number;
}

/** A change's cost against the per-request limits: an UPSERT's values count twice, a DELETE's once. */
export function changeCost(change: Change): { elements: number; characters: number } {
  const times = change.Action === "UPSERT" ? 2 : 1;
  const values = change.ResourceRecordSet?.ResourceRecords ?? [];
  // An alias record carries no ResourceRecord elements; count it as one so a batch of aliases is still bounded.
  const elements = Math.max(values.length, 1) * times;
  const characters = values.reduce((sum, v) => sum + (v.Value?.length ?? 0), 0) * times;
  return { elements, characters };
}

/**
 * One batch per hosted zone, in the order zones first appear; a zone's units are packed in order and a
 * new batch starts only when the next unit would pass a per-request limit. A unit is never split; one
 * that passes a limit on its own is refused.
 */
export function splitIntoBatches(units: readonly BatchUnit[]): ZoneBatch[] {
  const byZone = new Map<string, BatchUnit[]>();
  for (const unit of units) {
    const list = byZone.get(unit.zoneId) ?? [];
    list.push(unit);
    byZone.set(unit.zoneId, list);
  }

  const batches: ZoneBatch[] = [];
  for (const [zoneId, unitList] of byZone) {
    const zoneBatches: { changes: Change[]; pairs: number }[] = [];
    let current = { changes: [] as Change[], pairs: 0, elements: 0, characters: 0 };
    for (const unit of unitList) {
      const cost = unit.changes.reduce(
        (acc, c) => {
          const k = changeCost(c);
          return { elements: acc.elements + k.elements, characters: acc.characters + k.characters };
        },
        { elements: 0, characters: 0 },
      );
      if (
        cost.elements > ROUTE53_LIMITS.maxRecordElements ||
        cost.characters > ROUTE53_LIMITS.maxValueCharacters
      ) {
        throw new ToolError(
          "batch-too-large",
          `One weighted group in zone ${zoneId} exceeds Route 53's per-request limits on its own.`,
          {
            hint: "Split the records of that name into fewer values.",
            exitCode: ExitCode.NeedsPerson,
          },
        );
      }
      const fits =
        current.elements + cost.elements <= ROUTE53_LIMITS.maxRecordElements &&
        current.characters + cost.characters <= ROUTE53_LIMITS.maxValueCharacters;
      if (!fits && current.changes.length > 0) {
        zoneBatches.push(current);
        current = { changes: [], pairs: 0, elements: 0, characters: 0 };
      }
      current.changes.push(...unit.changes);
      current.pairs += unit.pairs;
      current.elements += cost.elements;
      current.characters += cost.characters;
    }
    if (current.changes.length > 0) zoneBatches.push(current);
    zoneBatches.forEach((b, i) =>
      batches.push({ zoneId, part: i + 1, parts: zoneBatches.length, changes: b.changes, pairs: b.pairs }),
    );
  }
  return batches;
}
