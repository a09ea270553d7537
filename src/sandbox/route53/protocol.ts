/** Route 53 over REST-XML (API version 2013-04-01), as the SDKs and the AWS CLI speak it. */
import {
  SandboxError,
  xmlResponse,
  type Route,
  type SandboxRequest,
  type SandboxResponse,
  type ServiceProtocol,
} from "../http.ts";
import { child, children, parseXml, textOf, xmlDocument, type XmlElement, type XmlObject } from "../xml.ts";
import {
  bareZoneId,
  normalizeName,
  recordSortKey,
  type Change,
  type ChangeAction,
  type ChangeRequest,
  type HostedZone,
  type ResourceRecordSet,
  type Route53World,
} from "./world.ts";

const NS = "https://route53.amazonaws.com/doc/2013-04-01/";
const MAX_RECORDS_PER_PAGE = 300;

export function route53Protocol(world: Route53World): ServiceProtocol {
  return {
    service: "route53",
    throttling: { status: 400, code: "Throttling", message: "Rate exceeded" },
    renderError,
    route(request) {
      const path = request.path.replace(/\/+$/, "");
      const m =
        /^\/2013-04-01\/(hostedzone|hostedzonesbyname|hostedzonecount|change)(?:\/([^/]+))?(?:\/(rrset))?$/.exec(
          path,
        );
      if (!m) return undefined;
      const [, resource, id, sub] = m;
      const { method } = request;
      const reply = (operation: string, mutating: boolean, run: () => SandboxResponse): Route => ({
        operation,
        mutating,
        run,
      });
      if (resource === "hostedzone" && id === undefined) {
        if (method === "GET") return reply("ListHostedZones", false, () => listHostedZones(world, request));
        if (method === "POST") return reply("CreateHostedZone", true, () => createHostedZone(world, request));
      }
      if (resource === "hostedzonesbyname" && id === undefined && method === "GET") {
        return reply("ListHostedZonesByName", false, () => listHostedZonesByName(world, request));
      }
      if (resource === "hostedzonecount" && method === "GET") {
        return reply("GetHostedZoneCount", false, () =>
          ok(request, "GetHostedZoneCountResponse", { HostedZoneCount: world.zones().length }),
        );
      }
      if (resource === "hostedzone" && id !== undefined && sub === undefined && method === "GET") {
        return reply("GetHostedZone", false, () => getHostedZone(world, request, id));
      }
      if (resource === "hostedzone" && id !== undefined && sub === "rrset") {
        if (method === "GET")
          return reply("ListResourceRecordSets", false, () => listRecords(world, request, id));
        if (method === "POST")
          return reply("ChangeResourceRecordSets", true, () => changeRecords(world, request, id));
      }
      if (resource === "change" && id !== undefined && method === "GET") {
        return reply("GetChange", false, () => getChange(world, request, id));
      }
      return undefined;
    },
  };
}

function ok(
  request: SandboxRequest,
  root: string,
  body: XmlObject,
  status = 200,
  headers: Record<string, string> = {},
): SandboxResponse {
  return xmlResponse(status, xmlDocument(root, NS, body), request.requestId, headers);
}

/** `<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>`, as Route 53 answers. */
function renderError(error: SandboxError, request: SandboxRequest): SandboxResponse {
  const messages = error.options.extra?.["Messages"];
  const body: XmlObject = {
    Error: {
      Type: error.type,
      Code: error.code,
      Message: error.message,
      ...(Array.isArray(messages) ? { Messages: { Message: messages as string[] } } : {}),
    },
    RequestId: request.requestId,
  };
  return xmlResponse(error.status, xmlDocument("ErrorResponse", NS, body), request.requestId);
}

function zoneXml(world: Route53World, zone: HostedZone): XmlObject {
  return {
    Id: `/hostedzone/${zone.id}`,
    Name: zone.name,
    CallerReference: zone.callerReference,
    Config: { Comment: zone.comment, PrivateZone: zone.privateZone },
    ResourceRecordSetCount: world.records(zone.id).length,
  };
}

function changeXml(world: Route53World, change: Change): XmlObject {
  return {
    Id: `/change/${change.id}`,
    Status: world.changeStatus(change),
    SubmittedAt: new Date(change.submittedAt),
    Comment: change.comment,
  };
}

function recordXml(record: ResourceRecordSet): XmlObject {
  return {
    Name: record.Name,
    Type: record.Type,
    SetIdentifier: record.SetIdentifier,
    Weight: record.Weight,
    Region: record.Region,
    Failover: record.Failover,
    MultiValueAnswer: record.MultiValueAnswer,
    TTL: record.TTL,
    ResourceRecords: record.ResourceRecords && {
      ResourceRecord: record.ResourceRecords.map((r) => ({ Value: r.Value })),
    },
    AliasTarget: record.AliasTarget && {
      HostedZoneId: record.AliasTarget.HostedZoneId,
      DNSName: record.AliasTarget.DNSName,
      EvaluateTargetHealth: record.AliasTarget.EvaluateTargetHealth,
    },
    HealthCheckId: record.HealthCheckId,
  };
}

function maxItems(request: SandboxRequest, fallback: number, limit: number): number {
  const raw = request.query.get("maxitems");
  if (raw === null) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1)
    throw new SandboxError(400, "InvalidInput", `MaxItems must be a positive integer, got ${raw}.`);
  return Math.min(n, limit);
}

function zoneNameKey(zone: HostedZone): string {
  return zone.name.replace(/\.$/, "").split(".").reverse().join(".");
}

function listHostedZones(world: Route53World, request: SandboxRequest): SandboxResponse {
  const zones = world.zones().sort((a, b) => (a.id < b.id ? -1 : 1));
  const marker = request.query.get("marker");
  const start = marker === null ? 0 : zones.findIndex((z) => z.id === bareZoneId(marker));
  if (start < 0) throw new SandboxError(400, "InvalidInput", `The marker ${marker} is not valid.`);
  const max = maxItems(request, 100, 100);
  const page = zones.slice(start, start + max);
  const next = zones[start + max];
  return ok(request, "ListHostedZonesResponse", {
    HostedZones: { HostedZone: page.map((z) => zoneXml(world, z)) },
    Marker: marker ?? undefined,
    IsTruncated: next !== undefined,
    NextMarker: next?.id,
    MaxItems: max,
  });
}

function listHostedZonesByName(world: Route53World, request: SandboxRequest): SandboxResponse {
  const zones = world.zones().sort((a, b) => {
    const ka = zoneNameKey(a);
    const kb = zoneNameKey(b);
    return ka < kb ? -1 : ka > kb ? 1 : a.id < b.id ? -1 : 1;
  });
  const dnsName = request.query.get("dnsname");
  const zoneId = request.query.get("hostedzoneid");
  if (zoneId !== null && dnsName === null) {
    throw new SandboxError(400, "InvalidInput", "HostedZoneId requires DNSName.");
  }
  let start = 0;
  if (dnsName !== null) {
    const key = zoneNameKey({ name: normalizeName(dnsName) } as HostedZone);
    start = zones.findIndex((z) => {
      const k = zoneNameKey(z);
      return k > key || (k === key && (zoneId === null || z.id >= bareZoneId(zoneId)));
    });
    if (start < 0) start = zones.length;
  }
  const max = maxItems(request, 100, 100);
  const page = zones.slice(start, start + max);
  const next = zones[start + max];
  return ok(request, "ListHostedZonesByNameResponse", {
    HostedZones: { HostedZone: page.map((z) => zoneXml(world, z)) },
    DNSName: dnsName === null ? undefined : normalizeName(dnsName),
    HostedZoneId: zoneId === null ? undefined : bareZoneId(zoneId),
    IsTruncated: next !== undefined,
    NextDNSName: next?.name,
    NextHostedZoneId: next?.id,
    MaxItems: max,
  });
}

function getHostedZone(world: Route53World, request: SandboxRequest, id: string): SandboxResponse {
  const zone = world.requireZone(decodeURIComponent(id));
  return ok(request, "GetHostedZoneResponse", {
    HostedZone: zoneXml(world, zone),
    DelegationSet: zone.privateZone ? undefined : { NameServers: { NameServer: world.nameServers() } },
  });
}

function createHostedZone(world: Route53World, request: SandboxRequest): SandboxResponse {
  const root = parseBody(request, "CreateHostedZoneRequest");
  const name = textOf(root, "Name");
  const callerReference = textOf(root, "CallerReference");
  if (!name || !callerReference)
    throw new SandboxError(400, "InvalidInput", "Name and CallerReference are required.");
  if (world.zones().some((z) => z.callerReference === callerReference)) {
    throw new SandboxError(
      409,
      "HostedZoneAlreadyExists",
      `A hosted zone has already been created with the specified caller reference.`,
    );
  }
  const config = child(root, "HostedZoneConfig");
  const comment = textOf(config, "Comment");
  const zone = world.createZone(name, {
    callerReference,
    privateZone: textOf(config, "PrivateZone") === "true" || child(root, "VPC") !== undefined,
    ...(comment === undefined ? {} : { comment }),
  });
  const change = world.newChange(zone.id);
  return ok(
    request,
    "CreateHostedZoneResponse",
    {
      HostedZone: zoneXml(world, zone),
      ChangeInfo: changeXml(world, change),
      DelegationSet: { NameServers: { NameServer: world.nameServers() } },
    },
    201,
    { location: `https://route53.amazonaws.com/2013-04-01/hostedzone/${zone.id}` },
  );
}

function listRecords(world: Route53World, request: SandboxRequest, id: string): SandboxResponse {
  const records = world.records(decodeURIComponent(id));
  const name = request.query.get("name");
  const type = request.query.get("type");
  const identifier = request.query.get("identifier");
  if (type !== null && name === null)
    throw new SandboxError(
      400,
      "InvalidInput",
      "The input is not valid: StartRecordType requires StartRecordName.",
    );
  if (identifier !== null && type === null)
    throw new SandboxError(
      400,
      "InvalidInput",
      "The input is not valid: StartRecordIdentifier requires StartRecordType.",
    );
  let start = 0;
  if (name !== null) {
    const from = recordSortKey({
      Name: normalizeName(name),
      Type: type ?? "",
      ...(identifier === null ? {} : { SetIdentifier: identifier }),
    });
    start = records.findIndex((r) => recordSortKey(r) >= from);
    if (start < 0) start = records.length;
  }
  const max = maxItems(request, MAX_RECORDS_PER_PAGE, MAX_RECORDS_PER_PAGE);
  const page = records.slice(start, start + max);
  const next = records[start + max];
  return ok(request, "ListResourceRecordSetsResponse", {
    ResourceRecordSets: { ResourceRecordSet: page.map(recordXml) },
    IsTruncated: next !== undefined,
    NextRecordName: next?.Name,
    NextRecordType: next?.Type,
    NextRecordIdentifier: next?.SetIdentifier,
    MaxItems: max,
  });
}

function changeRecords(world: Route53World, request: SandboxRequest, id: string): SandboxResponse {
  const zoneId = decodeURIComponent(id);
  world.requireZone(zoneId);
  const root = parseBody(request, "ChangeResourceRecordSetsRequest");
  const batch = child(root, "ChangeBatch");
  const changes = children(child(batch, "Changes"), "Change").map(readChange);
  const change = world.applyChanges(zoneId, changes, textOf(batch, "Comment"));
  return ok(request, "ChangeResourceRecordSetsResponse", { ChangeInfo: changeXml(world, change) });
}

function getChange(world: Route53World, request: SandboxRequest, id: string): SandboxResponse {
  const change = world.change(decodeURIComponent(id));
  if (!change)
    throw new SandboxError(
      404,
      "NoSuchChange",
      `A change with the specified change ID does not exist: ${id}`,
    );
  return ok(request, "GetChangeResponse", { ChangeInfo: changeXml(world, change) });
}

function parseBody(request: SandboxRequest, rootName: string): XmlElement {
  let root: XmlElement;
  try {
    root = parseXml(request.body.toString("utf8"));
  } catch (error) {
    throw new SandboxError(400, "InvalidInput", `Invalid XML: ${(error as Error).message}`);
  }
  if (root.name !== rootName)
    throw new SandboxError(400, "InvalidInput", `Invalid XML: expected <${rootName}>, found <${root.name}>.`);
  return root;
}

function readChange(node: XmlElement): ChangeRequest {
  const action = textOf(node, "Action") as ChangeAction;
  const set = child(node, "ResourceRecordSet");
  const name = textOf(set, "Name");
  const type = textOf(set, "Type");
  if (!name || !type)
    throw new SandboxError(400, "InvalidInput", "Invalid request: a ResourceRecordSet needs Name and Type.");
  const record: ResourceRecordSet = { Name: name, Type: type };
  const setIdentifier = textOf(set, "SetIdentifier");
  if (setIdentifier !== undefined) record.SetIdentifier = setIdentifier;
  const weight = textOf(set, "Weight");
  if (weight !== undefined) record.Weight = Number(weight);
  const ttl = textOf(set, "TTL");
  if (ttl !== undefined) record.TTL = Number(ttl);
  for (const field of ["Region", "Failover", "HealthCheckId"] as const) {
    const value = textOf(set, field);
    if (value !== undefined) record[field] = value;
  }
  const multi = textOf(set, "MultiValueAnswer");
  if (multi !== undefined) record.MultiValueAnswer = multi === "true";
  const values = child(set, "ResourceRecords");
  if (values)
    record.ResourceRecords = children(values, "ResourceRecord").map((r) => ({
      Value: textOf(r, "Value") ?? "",
    }));
  const alias = child(set, "AliasTarget");
  if (alias) {
    record.AliasTarget = {
      HostedZoneId: textOf(alias, "HostedZoneId") ?? "",
      DNSName: textOf(alias, "DNSName") ?? "",
      EvaluateTargetHealth: textOf(alias, "EvaluateTargetHealth") === "true",
    };
  }
  return { action, record };
}
