/** The checks ChangeResourceRecordSets makes before it applies anything. */
import { SandboxError } from "../http.ts";
import {
  describe,
  type ChangeAction,
  type ChangeRequest,
  type HostedZone,
  type ResourceRecordSet,
} from "./records.ts";

/** Route 53's batch limits: 1,000 ResourceRecord elements and 32,000 value characters, UPSERT counting twice. */
export const MAX_BATCH_RECORDS = 1000;
export const MAX_BATCH_CHARACTERS = 32_000;

export function checkLimits(changes: ChangeRequest[]): void {
  let records = 0;
  let characters = 0;
  for (const { action, record } of changes) {
    const weight = action === "UPSERT" ? 2 : 1;
    for (const { Value } of record.ResourceRecords ?? []) {
      records += weight;
      characters += weight * Value.length;
    }
  }
  if (records > MAX_BATCH_RECORDS) {
    throw new SandboxError(
      400,
      "InvalidChangeBatch",
      `Number of records limit of ${MAX_BATCH_RECORDS} exceeded.`,
      {
        extra: { Messages: [`Number of records limit of ${MAX_BATCH_RECORDS} exceeded.`] },
      },
    );
  }
  if (characters > MAX_BATCH_CHARACTERS) {
    throw new SandboxError(
      400,
      "InvalidChangeBatch",
      `Number of characters limit of ${MAX_BATCH_CHARACTERS} exceeded.`,
      {
        extra: { Messages: [`Number of characters limit of ${MAX_BATCH_CHARACTERS} exceeded.`] },
      },
    );
  }
}

export function checkShape(record: ResourceRecordSet, action: ChangeAction): void {
  const hasValues = record.TTL !== undefined && (record.ResourceRecords?.length ?? 0) > 0;
  if (hasValues === (record.AliasTarget !== undefined)) {
    throw new SandboxError(
      400,
      "InvalidInput",
      `Invalid request: Expected exactly one of [AliasTarget, all of [TTL, and ResourceRecords], or TrafficPolicyInstanceId], but found ${hasValues ? "more than one" : "none"} in Change with [Action=${action}, Name=${record.Name}, Type=${record.Type}, SetIdentifier=${record.SetIdentifier ?? "null"}]`,
    );
  }
}

export function checkRecord(record: ResourceRecordSet, zone: HostedZone): string[] {
  const messages: string[] = [];
  if (record.Name !== zone.name && !record.Name.endsWith(`.${zone.name}`)) {
    messages.push(`RRSet with DNS name ${record.Name} is not permitted in zone ${zone.name}`);
  }
  if (record.Weight !== undefined) {
    if (!Number.isInteger(record.Weight) || record.Weight < 0 || record.Weight > 255) {
      messages.push(`Weight ${record.Weight} for ${describe(record)} is not between 0 and 255`);
    }
    if (record.SetIdentifier === undefined) {
      messages.push(
        `RRSet with DNS name ${record.Name}, type ${record.Type} is weighted but has no SetIdentifier`,
      );
    }
  } else if (
    record.SetIdentifier !== undefined &&
    !record.Region &&
    !record.Failover &&
    record.MultiValueAnswer === undefined
  ) {
    messages.push(
      `RRSet ${describe(record)} has a SetIdentifier but no routing policy (Weight, Region, Failover or MultiValueAnswer)`,
    );
  }
  return messages;
}

/** Rules across the records of one name and type, checked on the zone as the batch would leave it. */
export function checkGroups(records: ResourceRecordSet[]): string[] {
  const groups = new Map<string, ResourceRecordSet[]>();
  for (const r of records) {
    const key = `${r.Name}|${r.Type}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const messages: string[] = [];
  for (const group of groups.values()) {
    const first = group[0]!;
    if (group.length > 1 && group.some((r) => r.SetIdentifier === undefined)) {
      messages.push(
        `RRSet with DNS name ${first.Name}, type ${first.Type} cannot be created as other RRSets exist with the same name and type.`,
      );
    }
    const ttls = new Set(
      group.filter((r) => r.Weight !== undefined && r.TTL !== undefined).map((r) => r.TTL),
    );
    if (ttls.size > 1) {
      messages.push(
        `RRSet with DNS name ${first.Name} and type ${first.Type} cannot be created as weighted sets must contain the same TTL.`,
      );
    }
  }
  return messages;
}
