/** Route 53 records, zones and changes as the sandbox keeps them, and the name rules they share. */

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

export function identity(record: ResourceRecordSet): string {
  return `${record.Name}|${record.Type}|${record.SetIdentifier ?? ""}`;
}

export function describe(record: ResourceRecordSet): string {
  const setId = record.SetIdentifier === undefined ? "" : `, set-identifier='${record.SetIdentifier}'`;
  return `[name='${record.Name}', type='${record.Type}'${setId}]`;
}

/** A stable form of a record for DELETE's "must match exactly" rule. */
export function canonical(record: ResourceRecordSet): string {
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
