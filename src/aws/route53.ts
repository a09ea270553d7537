/**
 * TrafficPort over Route 53: locates record pairs, reads their weights with one paged listing per
 * hosted zone, sends the batches route53-batch.ts builds, and waits for INSYNC.
 */
import type { Change, ResourceRecordSet, Route53Client } from "@aws-sdk/client-route-53";
import { ExitCode, ToolError } from "../errors.ts";
import type {
  CallOptions,
  PairReading,
  RecordPairRef,
  SubmittedChange,
  TrafficPort,
} from "../engine/ports.ts";
import {
  asRecordSet,
  buildWeightBatches,
  ROUTE53_LIMITS,
  splitIntoBatches,
  type BatchUnit,
  type ZoneBatch,
} from "./route53-batch.ts";
import { bareChangeId, bareZoneId, normalizeName } from "../engine/route53-names.ts";
import { requireAnswer } from "./answers.ts";
import { sleepOrReject as sleep, type Caller } from "./retry.ts";

export interface TrafficPortDeps {
  client: () => Promise<Route53Client>;
  caller: Caller;
  /** GetChange polling: first delay, growth factor and ceiling. */
  poll?: { initialMs: number; factor: number; maxMs: number };
  /** Records per ListResourceRecordSets page (Route 53's maximum is 300). */
  pageSize?: number;
}

const DEFAULT_POLL = { initialMs: 500, factor: 1.5, maxMs: 10_000 };

const sdk = () => import("@aws-sdk/client-route-53");

export function createTrafficPort(deps: TrafficPortDeps): TrafficPort {
  const { caller } = deps;
  const poll = deps.poll ?? DEFAULT_POLL;
  const pageSize = deps.pageSize ?? 300;

  async function zoneIdByName(zoneName: string, signal?: AbortSignal): Promise<string | undefined> {
    const { ListHostedZonesByNameCommand } = await sdk();
    const client = await deps.client();
    const wanted = normalizeName(zoneName);
    const matches: { id: string; isPrivate: boolean }[] = [];
    let dnsName: string | undefined = zoneName;
    let zoneId: string | undefined;
    // Zones come back sorted by name starting at DNSName; stop at the first other name.
    for (;;) {
      const page = await caller.call(
        "route53:ListHostedZonesByName",
        (abortSignal) =>
          client
            .send(
              new ListHostedZonesByNameCommand({ DNSName: dnsName, HostedZoneId: zoneId, MaxItems: 100 }),
              { abortSignal },
            )
            // Every answer carries the list (moto omits IsTruncated when it is false).
            .then((o) => requireAnswer(o, Array.isArray(o.HostedZones), "Route 53", "`HostedZones`")),
        signal,
      );
      let passed = false;
      for (const z of page.HostedZones ?? []) {
        if (normalizeName(z.Name ?? "") === wanted) {
          matches.push({ id: bareZoneId(z.Id ?? ""), isPrivate: z.Config?.PrivateZone === true });
        } else {
          // The listing starts at DNSName, so every zone of that name comes first.
          passed = true;
          break;
        }
      }
      if (passed || !page.IsTruncated) break;
      dnsName = page.NextDNSName;
      zoneId = page.NextHostedZoneId;
    }
    if (matches.length > 1) {
      throw new ToolError(
        "ambiguous-zone",
        `${matches.length} hosted zones are named ${wanted} (${matches
          .map((m) => `${m.id} ${m.isPrivate ? "private" : "public"}`)
          .join(", ")}).`,
        {
          hint: "Name the zone by `zoneId` in the plan's record pair.",
          exitCode: ExitCode.Usage,
          fault: "user",
        },
      );
    }
    return matches[0]?.id;
  }

  /**
   * Every record of the zone whose name is one of `names`, with one paged listing. Undefined: no such zone.
   * The listing starts at the lowest wanted name in Route 53's order (labels reversed) and stops once every
   * wanted name has been passed. If a name was not seen, the zone is listed again from the top, so a
   * difference between our idea of the order and the endpoint's costs calls, never correctness.
   */
  async function listZone(
    zoneId: string,
    names: ReadonlySet<string>,
    signal?: AbortSignal,
  ): Promise<ResourceRecordSet[] | undefined> {
    const from = lowestName(names);
    const first = await listFrom(zoneId, names, from, undefined, signal);
    if (!first || first.seen.size === names.size || from === undefined) return first?.found;
    // The second pass covers only what lies before the first pass's first record.
    const before = await listFrom(zoneId, names, undefined, first.firstKey, signal);
    const found = [...(before?.found ?? [])];
    const known = new Set(found.map(recordKey));
    for (const r of first.found) if (!known.has(recordKey(r))) found.push(r);
    return found;
  }

  async function listFrom(
    zoneId: string,
    names: ReadonlySet<string>,
    from: string | undefined,
    stopAt: string | undefined,
    signal?: AbortSignal,
  ): Promise<{ found: ResourceRecordSet[]; seen: Set<string>; firstKey: string | undefined } | undefined> {
    const { ListResourceRecordSetsCommand } = await sdk();
    const client = await deps.client();
    const found: ResourceRecordSet[] = [];
    const seen = new Set<string>();
    let firstKey: string | undefined;
    let start: { name?: string; type?: string; id?: string } = { name: from };
    for (;;) {
      let page;
      try {
        page = await caller.call(
          "route53:ListResourceRecordSets",
          (abortSignal) =>
            client
              .send(
                new ListResourceRecordSetsCommand({
                  HostedZoneId: zoneId,
                  StartRecordName: start.name,
                  StartRecordType: start.type as never,
                  StartRecordIdentifier: start.id,
                  MaxItems: pageSize,
                }),
                { abortSignal },
              )
              // An empty output is not "no records": Route 53 always sends both (see answers.ts).
              .then((o) =>
                requireAnswer(
                  o,
                  Array.isArray(o.ResourceRecordSets) && typeof o.IsTruncated === "boolean",
                  "Route 53",
                  "`ResourceRecordSets` and `IsTruncated`",
                ),
              ),
          signal,
        );
      } catch (error) {
        if (isAws(error, "NoSuchHostedZone")) return undefined;
        throw error;
      }
      for (const record of page.ResourceRecordSets ?? []) {
        const key = recordKey(record);
        if (key === stopAt) return { found, seen, firstKey };
        firstKey ??= key;
        const name = normalizeName(record.Name ?? "");
        if (names.has(name)) {
          found.push(record);
          seen.add(name);
        } else if (seen.size === names.size) {
          // Records of one name are contiguous, so once every wanted name has been passed we are done.
          return { found, seen, firstKey };
        }
      }
      if (!page.IsTruncated) return { found, seen, firstKey };
      start = { name: page.NextRecordName, type: page.NextRecordType, id: page.NextRecordIdentifier };
    }
  }

  async function read(pairs: readonly RecordPairRef[], options: CallOptions = {}): Promise<PairReading[]> {
    const zoneOf = new Map<RecordPairRef, string | undefined>();
    const byName = new Map<string, string | undefined>();
    for (const pair of pairs) {
      if (pair.zoneId) {
        zoneOf.set(pair, bareZoneId(pair.zoneId));
      } else if (pair.zoneName) {
        const key = normalizeName(pair.zoneName);
        if (!byName.has(key)) byName.set(key, await zoneIdByName(pair.zoneName, options.signal));
        zoneOf.set(pair, byName.get(key));
      } else {
        throw new ToolError(
          "zone-unspecified",
          `Record pair ${pair.name} names neither zoneId nor zoneName.`,
          {
            hint: "Give zoneId or zoneName in the plan.",
            exitCode: ExitCode.Usage,
          },
        );
      }
    }
    const namesByZone = new Map<string, Set<string>>();
    for (const [pair, zoneId] of zoneOf) {
      if (!zoneId) continue;
      const set = namesByZone.get(zoneId) ?? new Set<string>();
      set.add(normalizeName(pair.name));
      namesByZone.set(zoneId, set);
    }
    // Zones are listed concurrently (one paged listing each); each listing is indexed by name and type
    // once, so matching pairs costs O(pairs + records), not O(pairs × records).
    const listings = await Promise.all(
      [...namesByZone].map(
        async ([zoneId, names]) => [zoneId, await listZone(zoneId, names, options.signal)] as const,
      ),
    );
    const records = new Map<string, Map<string, ResourceRecordSet[]> | undefined>();
    for (const [zoneId, listed] of listings) records.set(zoneId, listed && indexByNameAndType(listed));

    return pairs.map((pair) => {
      const listed = zoneOf.get(pair) ? records.get(zoneOf.get(pair)!) : undefined;
      const zoneId = listed ? zoneOf.get(pair) : undefined;
      const same = listed?.get(nameTypeKey(pair.name, pair.type)) ?? [];
      return {
        pair,
        zoneId,
        blue: same.find((r) => r.SetIdentifier === pair.blue),
        green: same.find((r) => r.SetIdentifier === pair.green),
        others: same.filter(
          (r) => r.Weight !== undefined && r.SetIdentifier !== pair.blue && r.SetIdentifier !== pair.green,
        ),
      };
    });
  }

  async function send(batches: readonly ZoneBatch[], comment: string, signal?: AbortSignal) {
    const { ChangeResourceRecordSetsCommand } = await sdk();
    const client = await deps.client();
    const submitted: SubmittedChange[] = [];
    for (const batch of batches) {
      const out = await caller.call(
        "route53:ChangeResourceRecordSets",
        (abortSignal) =>
          client
            .send(
              new ChangeResourceRecordSetsCommand({
                HostedZoneId: batch.zoneId,
                ChangeBatch: {
                  Comment: batch.parts > 1 ? `${comment} (part ${batch.part}/${batch.parts})` : comment,
                  Changes: batch.changes,
                },
              }),
              { abortSignal },
            )
            // Without a change id the batch may not have been applied, and INSYNC cannot be awaited.
            .then((o) => requireAnswer(o, Boolean(o.ChangeInfo?.Id), "Route 53", "`ChangeInfo.Id`")),
        signal,
      );
      const info = out.ChangeInfo;
      submitted.push({
        zoneId: batch.zoneId,
        changeId: bareChangeId(info?.Id ?? ""),
        submittedAt: (info?.SubmittedAt ?? new Date()).toISOString(),
        pairs: batch.pairs,
      });
    }
    return submitted;
  }

  return {
    read,

    async apply(readings, greenPercent, options = {}) {
      const batches = buildWeightBatches(readings, greenPercent);
      // Everything is checked before the first batch leaves, so a bad record never half-applies a step.
      for (const batch of batches) for (const change of batch.changes) validateWeighted(change);
      return send(batches, `eks-bluegreen: green ${greenPercent}%`, options.signal);
    },

    async waitInSync(changeIds, options) {
      const { GetChangeCommand } = await sdk();
      const client = await deps.client();
      const deadline = Date.now() + options.timeoutMs;
      let pending = changeIds.map(bareChangeId);
      let delay = poll.initialMs;
      for (;;) {
        const still: string[] = [];
        for (const id of pending) {
          const out = await caller.call(
            "route53:GetChange",
            (abortSignal) =>
              client
                .send(new GetChangeCommand({ Id: id }), { abortSignal })
                .then((o) =>
                  requireAnswer(o, Boolean(o.ChangeInfo?.Status), "Route 53", "`ChangeInfo.Status`"),
                ),
            options.signal,
          );
          if (out.ChangeInfo?.Status !== "INSYNC") still.push(id);
        }
        pending = still;
        const left = deadline - Date.now();
        if (pending.length === 0 || left <= 0) return pending;
        await sleep(Math.min(delay, left), options.signal);
        delay = Math.min(poll.maxMs, delay * poll.factor);
      }
    },

    async deleteBlue(readings, options = {}) {
      const batches = deleteBatches(readings);
      return send(batches, "eks-bluegreen: delete blue records", options.signal);
    },
  };
}

function recordKey(r: ResourceRecordSet): string {
  return `${normalizeName(r.Name ?? "")}\u0000${r.Type ?? ""}\u0000${r.SetIdentifier ?? ""}`;
}

/** The first of `names` in Route 53's listing order: DNS labels reversed, compared case-insensitively. */
export function lowestName(names: Iterable<string>): string | undefined {
  let best: { name: string; key: string } | undefined;
  for (const name of names) {
    const key = name.split(".").reverse().join("\u0000");
    if (!best || key < best.key) best = { name, key };
  }
  return best?.name;
}

function validateWeighted(change: Change): void {
  const r = change.ResourceRecordSet;
  const w = r?.Weight;
  if (!r?.SetIdentifier || w === undefined || !Number.isInteger(w) || w < 0 || w > ROUTE53_LIMITS.maxWeight) {
    throw new ToolError(
      "invalid-weighted-record",
      `Refusing to send ${r?.Name ?? "?"} ${r?.Type ?? "?"} (${r?.SetIdentifier ?? "no set identifier"}) with weight ${w}: a weighted record needs a set identifier and a weight from 0 to 255.`,
      { exitCode: ExitCode.NeedsPerson, fault: "aws" },
    );
  }
}

/** DELETE of blue's record per pair, one batch per zone, split past the per-request limits (DELETE counts once). */
export function deleteBatches(readings: readonly PairReading[]): ZoneBatch[] {
  const units: BatchUnit[] = [];
  for (const r of readings) {
    if (!r.zoneId || !r.blue) continue; // already gone: deleting is idempotent across resumes
    const remaining = (r.green?.Weight ?? 0) + r.others.reduce((s, o) => s + (o.Weight ?? 0), 0);
    if (remaining === 0) {
      throw new ToolError(
        "all-zero-weights",
        `Deleting blue's record of ${r.pair.name} would leave every weight of the group at 0.`,
        { exitCode: ExitCode.NeedsPerson, fault: "tool" },
      );
    }
    units.push({
      zoneId: r.zoneId,
      changes: [{ Action: "DELETE", ResourceRecordSet: asRecordSet(r.blue) }],
      pairs: 1,
    });
  }
  return splitIntoBatches(units);
}

function isAws(error: unknown, code: string): boolean {
  return typeof error === "object" && error !== null && (error as { awsCode?: string }).awsCode === code;
}

function nameTypeKey(name: string, type: string): string {
  return `${normalizeName(name)}\u0000${type.toUpperCase()}`;
}

function indexByNameAndType(records: readonly ResourceRecordSet[]): Map<string, ResourceRecordSet[]> {
  const index = new Map<string, ResourceRecordSet[]>();
  for (const r of records) {
    const key = nameTypeKey(r.Name ?? "", r.Type ?? "");
    const list = index.get(key);
    if (list) list.push(r);
    else index.set(key, [r]);
  }
  return index;
}
