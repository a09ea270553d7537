/**
 * Route 53 as data: hosted zones, record sets and changes. ChangeResourceRecordSets is validated as a
 * whole and applied all-or-nothing; a change stays PENDING for `inSyncDelayMs`, then reads INSYNC.
 */
import { SandboxError } from "../http.ts";
import { upperId } from "../ids.ts";
import {
  bareZoneId,
  canonical,
  describe,
  identity,
  normalizeName,
  recordSortKey,
  type Change,
  type ChangeRequest,
  type HostedZone,
  type ResourceRecordSet,
} from "./records.ts";
import { checkGroups, checkLimits, checkRecord, checkShape } from "./validate.ts";

export * from "./records.ts";

export class Route53World {
  /** How long a change stays PENDING before GetChange reports INSYNC. */
  inSyncDelayMs: number;
  private readonly zonesById = new Map<string, HostedZone>();
  private readonly recordsByZone = new Map<string, Map<string, ResourceRecordSet>>();
  private readonly changes = new Map<string, Change>();
  /** Told after every change to the records (the traffic model samples the weights then). */
  readonly listeners: (() => void)[] = [];

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
    this.changed();
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }

  /** Simulates a hand edit in the console: sets one weighted record's weight without a change. */
  setWeight(zoneId: string, name: string, type: string, setIdentifier: string, weight: number): void {
    const record = this.record(zoneId, name, type, setIdentifier);
    if (!record) throw new Error(`no record ${name} ${type} ${setIdentifier} in zone ${zoneId}`);
    record.Weight = weight;
    this.changed();
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
    this.changed();
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
