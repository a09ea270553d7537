/**
 * Route 53 as data: hosted zones, record sets and changes. ChangeResourceRecordSets is validated as a
 * whole and applied all-or-nothing; a change stays PENDING for `inSyncDelayMs`, then reads INSYNC.
 */
import { SandboxError } from "../http.ts";
import { upperId } from "../ids.ts";

export interface ResourceRecordSet {
  Name: string;
  Type: string;
  SetIdentifier?: string;
  Weight?: number;
  Region?: string;
  Failover?: string;
  MultiValueAnswer?: boolean;
  TTL?: number;
  ResourceRecords?: { Value: string }[];
  AliasTarget?: { HostedZoneId: string; DNSName: string; EvaluateTargetHealth: boolean };
  HealthCheckId?: string;
}

export interface HostedZone {
  /** Bare id, e.g. Z0123456789ABCDEFGHIJ (responses add `/hostedzone/`). */
  id: string;
  /** Fully qualified, lower case, with the trailing dot. */
  name: string;
  callerReference: string;
  comment?: string;
  privateZone: boolean;
}

export interface Change {
  id: string;
  zoneId: string;
  submittedAt: number;
  inSyncAt: number;
  comment?: string;
}

export type ChangeAction = "CREATE" | "UPSERT" | "DELETE";

export interface ChangeRequest {
  action: ChangeAction;
  record: ResourceRecordSet;
}

/** `API.Example.com` → `api.example.com.` */
export function normalizeName(name: string): string {
  const lower = name.trim().toLowerCase().replace(/\*/g, "\\052");
  return lower.endsWith(".") ? lower : `${lower}.`;
}

export function bareZoneId(id: string): string {
  return id.replace(/^\/?hostedzone\//, "");
}

/** Route 53 lists records by name with the labels reversed (com.example.www), then type, then set id. */
export function recordSortKey(record: Pick<ResourceRecordSet, "Name" | "Type" | "SetIdentifier">): string {
  const reversed = record.Name.replace(/\.$/, "").split(".").reverse().join(".");
  return `${reversed}\u0000${record.Type}\u0000${record.SetIdentifier ?? ""}`;
}

function identity(record: ResourceRecordSet): string {
  return `${record.Name}|${record.Type}|${record.SetIdentifier ?? ""}`;
}

function describe(record: ResourceRecordSet): string {
  const setId = record.SetIdentifier === undefined ? "" : `, set-identifier='${record.SetIdentifier}'`;
  return `[name='${record.Name}', type='${record.Type}'${setId}]`;
}

/** A stable form of a record for DELETE's "must match exactly" rule. */
function canonical(record: ResourceRecordSet): string {
  return JSON.stringify(
    {
      ...record,
      ResourceRecords: record.ResourceRecords?.map((r) => r.Value).sort(),
      AliasTarget: record.AliasTarget && {
        ...record.AliasTarget,
        DNSName: normalizeName(record.AliasTarget.DNSName),
      },
    },
    Object.keys(record).sort().concat(["HostedZoneId", "DNSName", "EvaluateTargetHealth"]),
  );
}

export class Route53World {
  /** How long a change stays PENDING before GetChange reports INSYNC. */
  inSyncDelayMs: number;
  private readonly zonesById = new Map<string, HostedZone>();
  private readonly recordsByZone = new Map<string, Map<string, ResourceRecordSet>>();
  private readonly changes = new Map<string, Change>();

  constructor(
    readonly now: () => number,
    inSyncDelayMs: number,
  ) {
    this.inSyncDelayMs = inSyncDelayMs;
  }

  createZone(
    name: string,
    options: { callerReference?: string; comment?: string; privateZone?: boolean; id?: string } = {},
  ): HostedZone {
    const id = options.id ? bareZoneId(options.id) : upperId("Z", 20);
    if (this.zonesById.has(id))
      throw new SandboxError(409, "HostedZoneAlreadyExists", `A hosted zone with ID ${id} already exists.`);
    const zone: HostedZone = {
      id,
      name: normalizeName(name),
      callerReference: options.callerReference ?? `sandbox-${id}`,
      privateZone: options.privateZone ?? false,
      ...(options.comment === undefined ? {} : { comment: options.comment }),
    };
    this.zonesById.set(id, zone);
    const records = new Map<string, ResourceRecordSet>();
    // AWS creates these two with every zone; they count in listings and pagination.
    const ns: ResourceRecordSet = {
      Name: zone.name,
      Type: "NS",
      TTL: 172800,
      ResourceRecords: this.nameServers().map((Value) => ({ Value: `${Value}.` })),
    };
    const soa: ResourceRecordSet = {
      Name: zone.name,
      Type: "SOA",
      TTL: 900,
      ResourceRecords: [
        { Value: "ns-1.sandbox.invalid. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400" },
      ],
    };
    records.set(identity(ns), ns);
    records.set(identity(soa), soa);
    this.recordsByZone.set(id, records);
    return zone;
  }

  nameServers(): string[] {
    return ["ns-1.sandbox.invalid", "ns-2.sandbox.invalid"];
  }

  zones(): HostedZone[] {
    return [...this.zonesById.values()];
  }

  zone(id: string): HostedZone | undefined {
    return this.zonesById.get(bareZoneId(id));
  }

  /** The one zone with this name (the first, if tests made several). */
  zoneByName(name: string): HostedZone | undefined {
    const wanted = normalizeName(name);
    return this.zones().find((z) => z.name === wanted);
  }

  requireZone(id: string): HostedZone {
    const zone = this.zone(id);
    if (!zone)
      throw new SandboxError(404, "NoSuchHostedZone", `No hosted zone found with ID: ${bareZoneId(id)}`);
    return zone;
  }

  /** Every record of a zone in Route 53's listing order. */
  records(zoneId: string): ResourceRecordSet[] {
    const zone = this.requireZone(zoneId);
    const records = [...this.recordsByZone.get(zone.id)!.values()];
    return records.sort((a, b) =>
      recordSortKey(a) < recordSortKey(b) ? -1 : recordSortKey(a) > recordSortKey(b) ? 1 : 0,
    );
  }

  record(zoneId: string, name: string, type: string, setIdentifier?: string): ResourceRecordSet | undefined {
    const zone = this.requireZone(zoneId);
    const key = identity({
      Name: normalizeName(name),
      Type: type,
      ...(setIdentifier === undefined ? {} : { SetIdentifier: setIdentifier }),
    });
    return this.recordsByZone.get(zone.id)!.get(key);
  }

  /** Puts a record directly, bypassing validation and changes (for seeding and tests). */
  putRecord(zoneId: string, record: ResourceRecordSet): void {
    const zone = this.requireZone(zoneId);
    const normalized = { ...record, Name: normalizeName(record.Name) };
    this.recordsByZone.get(zone.id)!.set(identity(normalized), normalized);
  }

  /** Simulates a hand edit in the console: sets one weighted record's weight without a change. */
  setWeight(zoneId: string, name: string, type: string, setIdentifier: string, weight: number): void {
    const record = this.record(zoneId, name, type, setIdentifier);
    if (!record) throw new Error(`no record ${name} ${type} ${setIdentifier} in zone ${zoneId}`);
    record.Weight = weight;
  }

  /** Validates the whole batch, then applies it; throws InvalidChangeBatch naming every problem. */
  applyChanges(zoneId: string, changes: ChangeRequest[], comment?: string): Change {
    const zone = this.requireZone(zoneId);
    if (changes.length === 0)
      throw new SandboxError(400, "InvalidInput", "Invalid request: the change batch has no changes.");
    checkLimits(changes);
    const next = new Map(this.recordsByZone.get(zone.id)!);
    const messages: string[] = [];
    for (const { action, record: raw } of changes) {
      const record = { ...raw, Name: normalizeName(raw.Name) };
      checkShape(record, action);
      messages.push(...checkRecord(record, zone));
      const key = identity(record);
      const existing = next.get(key);
      if (action === "CREATE") {
        if (existing)
          messages.push(`Tried to create resource record set ${describe(record)} but it already exists`);
        else next.set(key, record);
      } else if (action === "DELETE") {
        if (!existing)
          messages.push(`Tried to delete resource record set ${describe(record)} but it was not found`);
        else if (canonical(existing) !== canonical(record)) {
          messages.push(
            `Tried to delete resource record set ${describe(record)} but the values provided do not match the current values`,
          );
        } else next.delete(key);
      } else if (action === "UPSERT") {
        next.set(key, record);
      } else {
        throw new SandboxError(
          400,
          "InvalidInput",
          `Invalid request: unknown change action ${String(action)}.`,
        );
      }
    }
    messages.push(...checkGroups([...next.values()]));
    if (messages.length > 0) {
      throw new SandboxError(400, "InvalidChangeBatch", `[${messages.join(", ")}]`, {
        extra: { Messages: messages },
      });
    }
    this.recordsByZone.set(zone.id, next);
    return this.newChange(zone.id, comment);
  }

  /** Records a change of the zone (a batch, or the zone's creation) that goes INSYNC after the delay. */
  newChange(zoneId: string, comment?: string): Change {
    const submittedAt = this.now();
    const change: Change = {
      id: upperId("C", 20),
      zoneId: bareZoneId(zoneId),
      submittedAt,
      inSyncAt: submittedAt + this.inSyncDelayMs,
      ...(comment === undefined ? {} : { comment }),
    };
    this.changes.set(change.id, change);
    return change;
  }

  change(id: string): Change | undefined {
    return this.changes.get(id.replace(/^\/?change\//, ""));
  }

  changeStatus(change: Change): "PENDING" | "INSYNC" {
    return this.now() >= change.inSyncAt ? "INSYNC" : "PENDING";
  }
}

/** Route 53's batch limits: 1,000 ResourceRecord elements and 32,000 value characters, UPSERT counting twice. */
export const MAX_BATCH_RECORDS = 1000;
export const MAX_BATCH_CHARACTERS = 32_000;

function checkLimits(changes: ChangeRequest[]): void {
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

function checkShape(record: ResourceRecordSet, action: ChangeAction): void {
  const hasValues = record.TTL !== undefined && (record.ResourceRecords?.length ?? 0) > 0;
  if (hasValues === (record.AliasTarget !== undefined)) {
    throw new SandboxError(
      400,
      "InvalidInput",
      `Invalid request: Expected exactly one of [AliasTarget, all of [TTL, and ResourceRecords], or TrafficPolicyInstanceId], but found ${hasValues ? "more than one" : "none"} in Change with [Action=${action}, Name=${record.Name}, Type=${record.Type}, SetIdentifier=${record.SetIdentifier ?? "null"}]`,
    );
  }
}

function checkRecord(record: ResourceRecordSet, zone: HostedZone): string[] {
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
function checkGroups(records: ResourceRecordSet[]): string[] {
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
