/**
 * The least-privilege IAM policy for one plan: exactly the calls the adapters make, on the plan's own
 * resources, with Route 53 changes limited by record name, type and action. Pure: the command resolves
 * the account id and hosted zone ids and passes them in.
 *
 * Where AWS offers no resource-level permission the statement says `*` and the reason is in `docs/security.md`:
 * sts:GetCallerIdentity, route53:ListHostedZonesByName, and CloudWatch's DescribeAlarms /
 * DescribeAlarmHistory, which only return composite alarms when granted on `*`.
 */
import type { PlanDoc } from "../plan/schema.ts";
import { siblingPattern } from "../state/siblings.ts";
import {
  accountOfRole,
  bareZoneId,
  eksArn,
  normalizedRecordName,
  partitionOf,
  route53Arn,
  s3Arn,
  type EksScope,
} from "./arns.ts";

export interface PolicyStatement {
  Sid: string;
  Effect: "Allow";
  Action: string[];
  Resource: string[] | "*";
  Condition?: Record<string, Record<string, string[]>>;
}

export interface PolicyDocument {
  Version: "2012-10-17";
  Statement: PolicyStatement[];
}

export interface PolicyInput {
  doc: PlanDoc;
  /** Account of resources reached without a role (a role's ARN names its own account). */
  accountId: string | undefined;
  /** Region override (`--region`); a cluster's own region still wins, as in the adapters. */
  region?: string;
  /** Hosted zone ids of zones the plan names by `zoneName`; a missing one becomes a placeholder. */
  zoneIdsByName?: ReadonlyMap<string, string>;
}

export interface PolicyResult {
  policy: PolicyDocument;
  /** Things the reader must fix or know (placeholders, size), each with its message code (messages.ts). */
  notes: PolicyNote[];
  /** Zone names that could not be resolved (their ARNs hold a placeholder). */
  unresolvedZones: string[];
}

export interface PolicyNote {
  code: "iam-zone-placeholders" | "iam-assumes-roles" | "iam-policy-too-large";
  text: string;
}

/** IAM's size limit for a managed policy, whitespace not counted. */
export const MANAGED_POLICY_MAX_CHARS = 6144;

export const EKS_READ_ACTIONS = [
  "eks:DescribeCluster",
  "eks:ListNodegroups",
  "eks:DescribeNodegroup",
  "eks:ListAddons",
  "eks:DescribeAddon",
  "eks:ListFargateProfiles",
];

const sortUnique = (values: Iterable<string>) => [...new Set(values)].sort();

/** Account for calls about a resource reached through `roleArn`, else the caller's. */
function accountFor(roleArn: string | undefined, fallback: string | undefined, what: string): string {
  const account = roleArn ? accountOfRole(roleArn) : fallback;
  if (!account) throw new Error(`no account id for ${what}: pass one (the command resolves it)`);
  return account;
}

/** Which accounts the plan's resources need that no role ARN names (the caller's own). */
export function needsCallerAccount(doc: PlanDoc): boolean {
  return [doc.clusters.blue, doc.clusters.green].some((c) => !(c.roleArn ?? doc.roleArn));
}

function route53Statements(
  input: PolicyInput,
  partition: string,
  unresolved: Set<string>,
): PolicyStatement[] {
  const { doc } = input;
  const zones = new Map<string, { names: Set<string>; types: Set<string> }>();
  for (const pair of doc.traffic.records) {
    let zoneId: string;
    if (pair.zoneId) zoneId = bareZoneId(pair.zoneId);
    else {
      const resolved = input.zoneIdsByName?.get(pair.zoneName ?? "");
      if (resolved) zoneId = bareZoneId(resolved);
      else {
        unresolved.add(pair.zoneName ?? "");
        zoneId = `ZONE_ID_OF_${normalizedRecordName(pair.zoneName ?? "").toUpperCase()}`;
      }
    }
    const zone = zones.get(zoneId) ?? { names: new Set(), types: new Set() };
    zone.names.add(normalizedRecordName(pair.name));
    zone.types.add(pair.type);
    zones.set(zoneId, zone);
  }
  const actions = doc.retire.blueRecords === "delete" ? ["DELETE", "UPSERT"] : ["UPSERT"];
  const zoneArns = [...zones.keys()].sort().map((id) => route53Arn.hostedZone(partition, id));
  // One statement per zone: a single one would let any of the names be changed in any of the zones.
  const changes = [...zones.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([zoneId, zone]): PolicyStatement => ({
      Sid: `Route53ChangeWeights${zoneId.replace(/[^A-Za-z0-9]/g, "")}`,
      Effect: "Allow",
      Action: ["route53:ChangeResourceRecordSets"],
      Resource: [route53Arn.hostedZone(partition, zoneId)],
      Condition: {
        "ForAllValues:StringEquals": {
          "route53:ChangeResourceRecordSetsNormalizedRecordNames": sortUnique(zone.names),
          "route53:ChangeResourceRecordSetsRecordTypes": sortUnique(zone.types),
          "route53:ChangeResourceRecordSetsActions": actions,
        },
      },
    }));
  const statements: PolicyStatement[] = [
    ...changes,
    {
      Sid: "Route53ReadRecords",
      Effect: "Allow",
      Action: ["route53:ListResourceRecordSets"],
      Resource: zoneArns,
    },
    {
      Sid: "Route53WaitForChanges",
      Effect: "Allow",
      Action: ["route53:GetChange"],
      Resource: [route53Arn.anyChange(partition)],
    },
  ];
  if (doc.traffic.records.some((p) => !p.zoneId)) {
    statements.push({
      Sid: "Route53FindZonesByName",
      Effect: "Allow",
      Action: ["route53:ListHostedZonesByName"],
      Resource: "*",
    });
  }
  return statements;
}

function eksStatements(input: PolicyInput): PolicyStatement[] {
  const { doc } = input;
  const scope = (c: { name: string; region?: string; roleArn?: string }, role: string): EksScope => {
    const region = c.region ?? input.region ?? doc.region;
    return {
      partition: partitionOf(region),
      region,
      account: accountFor(c.roleArn ?? doc.roleArn, input.accountId, `the ${role} cluster`),
      cluster: c.name,
    };
  };
  const blue = scope(doc.clusters.blue, "blue");
  const green = scope(doc.clusters.green, "green");
  const g = doc.clusters.green;
  const statements: PolicyStatement[] = [
    {
      Sid: "EksReadClusters",
      Effect: "Allow",
      Action: [...EKS_READ_ACTIONS, ...(g.insights ? ["eks:ListInsights"] : [])].sort(),
      Resource: sortUnique([
        eksArn.cluster(blue),
        eksArn.nodegroup(blue),
        eksArn.addon(blue),
        eksArn.cluster(green),
        ...(g.nodegroups ? g.nodegroups.map((n) => eksArn.nodegroup(green, n)) : [eksArn.nodegroup(green)]),
        ...(g.addons ? g.addons.map((a) => eksArn.addon(green, a)) : [eksArn.addon(green)]),
      ]),
    },
  ];
  statements.push(...readinessStatements(doc, green));
  if (doc.retire.mode === "delete") {
    statements.push({
      Sid: "EksRetireBlueDelete",
      Effect: "Allow",
      Action: ["eks:DeleteCluster", "eks:DeleteFargateProfile", "eks:DeleteNodegroup"],
      Resource: [eksArn.cluster(blue), eksArn.fargateProfile(blue), eksArn.nodegroup(blue)].sort(),
    });
  } else if (doc.retire.mode === "scale-to-zero") {
    statements.push({
      Sid: "EksRetireBlueScaleToZero",
      Effect: "Allow",
      Action: ["eks:UpdateNodegroupConfig"],
      Resource: [eksArn.nodegroup(blue)],
    });
  }
  return statements;
}

/**
 * The readiness checks' reads, only for plans that ask for the checks (a `health.readiness` block):
 * without it the checks still run, and a denied call is an info finding that names the permission.
 * DescribeAddonVersions and DescribeSubnets take no resource-level permissions, hence `*`.
 */
function readinessStatements(doc: PlanDoc, green: EksScope): PolicyStatement[] {
  const r = doc.health?.readiness;
  if (!r) return [];
  const statements: PolicyStatement[] = [];
  if (r.addons) {
    statements.push({
      Sid: "EksReadinessAddonVersions",
      Effect: "Allow",
      Action: ["eks:DescribeAddonVersions"],
      Resource: "*",
    });
  }
  if (r.fargate) {
    statements.push({
      Sid: "EksReadinessFargateProfiles",
      Effect: "Allow",
      Action: ["eks:DescribeFargateProfile"],
      Resource: [eksArn.fargateProfile(green)],
    });
  }
  if (r.subnets) {
    statements.push({
      Sid: "Ec2ReadinessSubnets",
      Effect: "Allow",
      Action: ["ec2:DescribeSubnets"],
      Resource: "*",
    });
  }
  return statements;
}

function cloudwatchStatements(doc: PlanDoc): PolicyStatement[] {
  // Metric analysis reads every metric of both sides with GetMetricData (no resource-level permissions).
  const metrics: PolicyStatement[] = doc.analysis
    ? [{ Sid: "CloudWatchReadMetrics", Effect: "Allow", Action: ["cloudwatch:GetMetricData"], Resource: "*" }]
    : [];
  if (doc.alarms.names.length === 0 && doc.alarms.prefixes.length === 0) return metrics;
  return [
    ...metrics,
    {
      Sid: "CloudWatchReadAlarms",
      Effect: "Allow",
      Action: ["cloudwatch:DescribeAlarmHistory", "cloudwatch:DescribeAlarms"],
      // Composite alarms are returned only to a permission on `*` (DescribeAlarms API reference).
      Resource: "*",
    },
  ];
}

function stateStatements(doc: PlanDoc, partition: string): PolicyStatement[] {
  if (doc.state.backend !== "s3") return [];
  const { bucket, key } = doc.state;
  return [
    {
      Sid: "S3StateAndLock",
      Effect: "Allow",
      Action: ["s3:DeleteObject", "s3:GetObject", "s3:PutObject"],
      Resource: [s3Arn.object(partition, bucket, key), s3Arn.object(partition, bucket, `${key}.lock`)],
    },
    {
      // Preflight reads the other upgrades' states beside this one: two upgrades must not share records.
      Sid: "S3ReadOtherUpgrades",
      Effect: "Allow",
      Action: ["s3:GetObject"],
      Resource: [s3Arn.object(partition, bucket, siblingPattern(key).resource)],
    },
    {
      // Without ListBucket, S3 answers 403 instead of 404 for a state that does not exist yet; preflight
      // also lists the prefix to find other upgrades' states.
      Sid: "S3TellMissingFromDenied",
      Effect: "Allow",
      Action: ["s3:ListBucket"],
      Resource: [s3Arn.bucket(partition, bucket)],
    },
  ];
}

function stsStatements(doc: PlanDoc): PolicyStatement[] {
  const roles = sortUnique(
    [doc.roleArn, doc.clusters.blue.roleArn, doc.clusters.green.roleArn].filter((r): r is string => !!r),
  );
  return [
    { Sid: "StsWhoAmI", Effect: "Allow", Action: ["sts:GetCallerIdentity"], Resource: "*" },
    ...(roles.length
      ? [{ Sid: "StsAssumePlanRoles", Effect: "Allow" as const, Action: ["sts:AssumeRole"], Resource: roles }]
      : []),
  ];
}

/** Notification sinks of kind sns: Publish to exactly those topics. */
function snsStatements(doc: PlanDoc): PolicyStatement[] {
  const topics = sortUnique(
    (doc.notifications?.sinks ?? []).flatMap((s) => (s.kind === "sns" ? [s.topicArn] : [])),
  );
  return topics.length
    ? [{ Sid: "SnsPublishNotifications", Effect: "Allow", Action: ["sns:Publish"], Resource: topics }]
    : [];
}

/** Characters IAM counts against the managed-policy limit (whitespace excluded). */
/**
 * ALB listeners and rules, and Global Accelerator endpoint groups: the writes scoped to the ARNs the
 * plan names, never `*`. ELBv2's Describe* calls take no resource-level permissions (AWS's service
 * authorization reference), so they are the one place `*` stands.
 */
function loadBalancerStatements(doc: PlanDoc): PolicyStatement[] {
  const { listeners, accelerators } = doc.traffic;
  const out: PolicyStatement[] = [];
  const listenerArns = sortUnique(listeners.filter((l) => !l.ruleArn).map((l) => l.listenerArn));
  const ruleArns = sortUnique(listeners.flatMap((l) => (l.ruleArn ? [l.ruleArn] : [])));
  if (listenerArns.length > 0) {
    out.push({
      Sid: "AlbChangeListenerWeights",
      Effect: "Allow",
      Action: ["elasticloadbalancing:ModifyListener"],
      Resource: listenerArns,
    });
  }
  if (ruleArns.length > 0) {
    out.push({
      Sid: "AlbChangeRuleWeights",
      Effect: "Allow",
      Action: ["elasticloadbalancing:ModifyRule"],
      Resource: ruleArns,
    });
  }
  if (listeners.length > 0) {
    out.push({
      Sid: "AlbReadListeners",
      Effect: "Allow",
      Action: [
        "elasticloadbalancing:DescribeListeners",
        "elasticloadbalancing:DescribeRules",
        "elasticloadbalancing:DescribeTargetGroups",
      ],
      Resource: ["*"],
    });
  }
  const groups = sortUnique(accelerators.map((a) => a.endpointGroupArn));
  if (groups.length > 0) {
    out.push(
      {
        Sid: "GlobalAcceleratorChangeWeights",
        Effect: "Allow",
        Action: ["globalaccelerator:UpdateEndpointGroup"],
        Resource: groups,
      },
      {
        Sid: "GlobalAcceleratorRead",
        Effect: "Allow",
        Action: ["globalaccelerator:DescribeEndpointGroup", "globalaccelerator:DescribeAccelerator"],
        Resource: sortUnique([...groups, ...groups.map((g) => g.split("/listener/")[0]!)]),
      },
    );
  }
  return out;
}

export function policySize(policy: PolicyDocument): number {
  return JSON.stringify(policy).replace(/\s/g, "").length;
}

export function buildIamPolicy(input: PolicyInput): PolicyResult {
  const { doc } = input;
  const partition = partitionOf(input.region ?? doc.region);
  const unresolved = new Set<string>();
  const policy: PolicyDocument = {
    Version: "2012-10-17",
    Statement: [
      ...(doc.traffic.records.length > 0 ? route53Statements(input, partition, unresolved) : []),
      ...loadBalancerStatements(doc),
      ...eksStatements(input),
      ...cloudwatchStatements(doc),
      ...stateStatements(doc, partition),
      ...stsStatements(doc),
      ...snsStatements(doc),
    ],
  };
  const notes: PolicyNote[] = [];
  if (unresolved.size) {
    notes.push({
      code: "iam-zone-placeholders",
      text: `Replace the placeholder hosted zone ids (ZONE_ID_OF_…) for ${[...unresolved].join(", ")}: they could not be looked up.`,
    });
  }
  if (doc.roleArn || doc.clusters.blue.roleArn || doc.clusters.green.roleArn) {
    notes.push({
      code: "iam-assumes-roles",
      text: "The plan assumes roles: attach this policy to those roles, and give the identity that runs the tool only sts:AssumeRole on them (and sts:GetCallerIdentity).",
    });
  }
  const size = policySize(policy);
  if (size > MANAGED_POLICY_MAX_CHARS) {
    notes.push({
      code: "iam-policy-too-large",
      text: `The policy is ${size} characters, more than a managed policy may hold (${MANAGED_POLICY_MAX_CHARS}); split its statements over two policies.`,
    });
  }
  return { policy, notes, unresolvedZones: [...unresolved] };
}
