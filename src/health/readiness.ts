/**
 * Upgrade readiness of green, in preflight and `plan`: the parts of green that must be at the new version
 * too (add-on versions, node AMIs, kubelets), Fargate profiles, and room in green's subnets for blue's
 * pods. `readReadiness` reads (the shell); `readinessFindings` judges (pure). A check whose call is
 * denied says which permission is missing (info), and never blocks or crashes.
 */
import { AwsError } from "../errors.ts";
import type {
  AddonVersionReading,
  CallOptions,
  ClusterReading,
  KubernetesReadinessFacts,
  NodegroupReading,
  Ports,
} from "../engine/ports.ts";
import type { Finding } from "../engine/observation.ts";

/** Every code the upgrade-readiness checks report. */
export const READINESS_FINDING_CODES = [
  "readiness-permission-denied",
  "readiness-unreadable",
  "addon-versions-unknown",
  "addon-version-unsupported",
  "addon-version-not-default",
  "ami-type-unsupported",
  "ami-release-old",
  "fargate-profile-not-active",
  "kubelet-version-skew",
  "subnet-ips-short",
  "readiness-needs-kubernetes",
] as const;
export type ReadinessFindingCode = (typeof READINESS_FINDING_CODES)[number];
type ReadinessFinding = Finding<ReadinessFindingCode>;
import type { CompiledPlan } from "../plan/compile.ts";

/** Every finding code the readiness checks give (docs/health.md has a row for each). */
export const READINESS_CODES = [
  "addon-version-unsupported",
  "addon-version-not-default",
  "addon-versions-unknown",
  "ami-type-unsupported",
  "ami-release-old",
  "kubelet-version-skew",
  "fargate-profile-not-active",
  "subnet-ips-short",
  "readiness-permission-denied",
  "readiness-unreadable",
  "readiness-needs-kubernetes",
] as const;
export type ReadinessCode = (typeof READINESS_CODES)[number];

/** A read that worked, failed, or was denied (`permission` names the IAM action that is missing). */
export type Read<T> = { ok: true; value: T } | { ok: false; error: string; permission?: string };

export interface ReadinessSettings {
  addons: boolean;
  fargate: boolean;
  subnets: boolean;
  amiMaxAgeDays: number;
}

export const DEFAULT_READINESS: ReadinessSettings = {
  addons: true,
  fargate: true,
  subnets: false,
  amiMaxAgeDays: 90,
};

export function readinessSettings(plan: CompiledPlan): ReadinessSettings {
  return { ...DEFAULT_READINESS, ...(plan.doc.health?.readiness ?? {}) };
}

export interface ReadinessReading {
  cluster: string;
  /** Green's control-plane version, e.g. `1.33`. */
  kubernetesVersion: string;
  nodegroups: NodegroupReading[];
  /** Per add-on; undefined when the check is off. */
  addons?: { name: string; version: string | undefined; versions: Read<AddonVersionReading[]> }[];
  fargate?: Read<{ name: string; status: string }[]>;
  /** undefined when the plan gives no Kubernetes access (`health.kubernetes`). */
  kubernetes?: Read<KubernetesReadinessFacts>;
  subnets?: Read<{ subnetId: string; free: number }[]>;
}

/** Amazon Linux 2 AMIs are not published for Kubernetes 1.33 and later. */
export const LAST_AL2_MINOR = 32;

const DENIED = new Set([
  "AccessDeniedException",
  "AccessDenied",
  "UnauthorizedOperation",
  "UnauthorizedException",
]);

async function read<T>(permission: string, fn: () => Promise<T>): Promise<Read<T>> {
  try {
    return { ok: true, value: await fn() };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof AwsError && (DENIED.has(error.awsCode) || error.httpStatus === 403)) {
      return { ok: false, error: message, permission };
    }
    return { ok: false, error: message };
  }
}

/** Reads what the checks judge; each part is caught on its own. */
export async function readReadiness(
  ports: Ports,
  plan: CompiledPlan,
  green: ClusterReading,
  options: CallOptions = {},
): Promise<ReadinessReading> {
  const settings = readinessSettings(plan);
  const clusters = ports.clusters.green;
  const version = green.version ?? plan.doc.clusters.green.kubernetesVersion;
  const reading: ReadinessReading = {
    cluster: green.name,
    kubernetesVersion: version,
    nodegroups: green.nodegroups,
  };
  if (settings.addons && clusters.addonVersions) {
    const addonVersions = clusters.addonVersions.bind(clusters);
    reading.addons = [];
    for (const addon of green.addons.filter((a) => a.status !== "NOT_FOUND")) {
      reading.addons.push({
        name: addon.name,
        version: addon.version,
        versions: await read("eks:DescribeAddonVersions", () => addonVersions(addon.name, version, options)),
      });
    }
  }
  if (settings.fargate && clusters.fargateStatuses && green.fargateProfiles.length > 0) {
    const statuses = clusters.fargateStatuses.bind(clusters);
    reading.fargate = await read("eks:DescribeFargateProfile", () => statuses(green.name, options));
  }
  const k8s = ports.kubernetes;
  if (k8s?.readinessFacts) {
    const facts = k8s.readinessFacts.bind(k8s);
    reading.kubernetes = await read("", () => facts(green, { ...options, bluePods: settings.subnets }));
  }
  if (settings.subnets && ports.subnets) {
    const subnets = ports.subnets;
    reading.subnets = await read("ec2:DescribeSubnets", () =>
      subnets.freeIps(green.subnetIds ?? [], options),
    );
  }
  return reading;
}

function minor(version: string): number | undefined {
  const m = /^v?1\.(\d{1,3})(?:\D|$)/.exec(version);
  return m ? Number(m[1]) : undefined;
}

/** The AMI's build date from a release version such as `1.33.0-20250704`, or undefined. */
export function releaseDate(releaseVersion: string): Date | undefined {
  const m = /-(\d{4})(\d{2})(\d{2})$/.exec(releaseVersion);
  if (!m) return undefined;
  const date = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return Number.isNaN(date.getTime()) ? undefined : date;
}

const DAY_MS = 86_400_000;

function unreadable(
  what: string,
  r: { error: string; permission?: string },
  subject?: string,
): ReadinessFinding {
  return r.permission
    ? {
        severity: "info",
        code: "readiness-permission-denied",
        message: `Could not check ${what}: ${r.permission} is denied. Grant it (\`eks-bluegreen iam-policy\` lists it) or turn the check off in health.readiness.`,
        ...(subject ? { subject } : {}),
      }
    : {
        severity: "warning",
        code: "readiness-unreadable",
        message: `Could not check ${what}: ${r.error}`,
        ...(subject ? { subject } : {}),
      };
}

function addonFindings(reading: ReadinessReading): ReadinessFinding[] {
  const findings: ReadinessFinding[] = [];
  const denied = new Set<string>();
  for (const addon of reading.addons ?? []) {
    const subject = `addon/${addon.name}`;
    if (!addon.versions.ok) {
      // One denied permission is said once, not once per add-on.
      const key = addon.versions.permission ?? `${addon.name}`;
      if (!denied.has(key))
        findings.push(unreadable(`the versions of add-on ${addon.name}`, addon.versions, subject));
      denied.add(key);
      continue;
    }
    const versions = addon.versions.value;
    if (versions.length === 0) {
      findings.push({
        severity: "info",
        code: "addon-versions-unknown",
        message: `EKS publishes no versions of add-on ${addon.name} for Kubernetes ${reading.kubernetesVersion}; check its vendor's support matrix.`,
        subject,
      });
      continue;
    }
    const installed = versions.find((v) => v.version === addon.version);
    const preferred = versions.find((v) => v.isDefault)?.version;
    if (!installed) {
      findings.push({
        severity: "error",
        code: "addon-version-unsupported",
        message: `Add-on ${addon.name} is at ${addon.version ?? "(unknown)"}, which EKS does not publish for Kubernetes ${reading.kubernetesVersion}${preferred ? `; update it to ${preferred}` : ""}.`,
        subject,
      });
    } else if (!installed.isDefault && preferred) {
      findings.push({
        severity: "warning",
        code: "addon-version-not-default",
        message: `Add-on ${addon.name} is at ${addon.version}, not ${preferred}, the default for Kubernetes ${reading.kubernetesVersion}.`,
        subject,
      });
    }
  }
  return findings;
}

function nodegroupFindings(
  reading: ReadinessReading,
  settings: ReadinessSettings,
  now: Date,
): ReadinessFinding[] {
  const findings: ReadinessFinding[] = [];
  const clusterMinor = minor(reading.kubernetesVersion);
  for (const ng of reading.nodegroups) {
    const subject = `nodegroup/${ng.name}`;
    if (ng.amiType?.startsWith("AL2_") && clusterMinor !== undefined && clusterMinor > LAST_AL2_MINOR) {
      findings.push({
        severity: "error",
        code: "ami-type-unsupported",
        message: `Node group ${ng.name} uses AMI type ${ng.amiType}: Amazon Linux 2 AMIs are not published for Kubernetes 1.${LAST_AL2_MINOR + 1} and later. Replace it with an AL2023 or Bottlerocket node group.`,
        subject,
      });
    }
    const built = ng.releaseVersion ? releaseDate(ng.releaseVersion) : undefined;
    if (built) {
      const days = Math.floor((now.getTime() - built.getTime()) / DAY_MS);
      if (days > settings.amiMaxAgeDays) {
        findings.push({
          severity: "warning",
          code: "ami-release-old",
          message: `Node group ${ng.name} runs AMI release ${ng.releaseVersion}, ${days} days old (more than ${settings.amiMaxAgeDays}); update the node group to the latest release.`,
          subject,
        });
      }
    }
  }
  return findings;
}

function fargateFindings(reading: ReadinessReading): ReadinessFinding[] {
  const fargate = reading.fargate;
  if (!fargate) return [];
  if (!fargate.ok) return [unreadable("green's Fargate profiles", fargate)];
  return fargate.value
    .filter((p) => p.status !== "ACTIVE")
    .map((p) => ({
      severity: "error",
      code: "fargate-profile-not-active",
      message: `Fargate profile ${p.name} is ${p.status}, not ACTIVE: pods it selects will not schedule.`,
      subject: `fargateprofile/${p.name}`,
    }));
}

function kubeletFindings(reading: ReadinessReading, facts: KubernetesReadinessFacts): ReadinessFinding[] {
  const want = minor(reading.kubernetesVersion);
  if (want === undefined) return [];
  return facts.nodes
    .filter((n) => n.ready && minor(n.kubeletVersion) !== want)
    .map((n) => ({
      severity: "error",
      code: "kubelet-version-skew",
      message: `Node ${n.name} runs kubelet ${n.kubeletVersion}, not 1.${want} like the control plane: its node group or AMI was not upgraded.`,
      subject: `node/${n.name}`,
    }));
}

function subnetFindings(
  reading: ReadinessReading,
  facts: Read<KubernetesReadinessFacts> | undefined,
): ReadinessFinding[] {
  const subnets = reading.subnets;
  if (!subnets) return [];
  if (!subnets.ok) return [unreadable("the free IPs of green's subnets", subnets)];
  if (!facts || !facts.ok) return [];
  if (!facts.value.bluePods) return [];
  if (!facts.value.bluePods.ok) {
    return [unreadable("blue's pod count for the subnet check", { error: facts.value.bluePods.error })];
  }
  const pods = facts.value.bluePods.count;
  const free = subnets.value.reduce((sum, s) => sum + s.free, 0);
  if (free >= pods) return [];
  return [
    {
      severity: "error",
      code: "subnet-ips-short",
      message: `Green's subnets have ${free} free IP address(es) (${subnets.value.map((s) => `${s.subnetId}: ${s.free}`).join(", ")}), fewer than the ${pods} pods blue runs: green cannot scale to blue's size. Add subnets or free addresses.`,
      subject: `cluster/${reading.cluster}`,
    },
  ];
}

/** Judges a reading: pure (the clock comes in as `now`). */
export function readinessFindings(
  reading: ReadinessReading,
  settings: ReadinessSettings,
  now: Date,
): ReadinessFinding[] {
  const findings = [
    ...addonFindings(reading),
    ...nodegroupFindings(reading, settings, now),
    ...fargateFindings(reading),
  ];
  const k = reading.kubernetes;
  if (!k) {
    const needs = [
      "every node's kubelet version",
      ...(settings.subnets ? ["blue's pod count for the subnet check"] : []),
    ];
    findings.push({
      severity: "info",
      code: "readiness-needs-kubernetes",
      message: `Not checked without Kubernetes access (health.kubernetes): ${needs.join(", ")}.`,
    });
  } else if (!k.ok) {
    findings.push(unreadable("green's nodes", k));
  } else {
    findings.push(...kubeletFindings(reading, k.value));
  }
  findings.push(...subnetFindings(reading, k));
  return findings;
}
