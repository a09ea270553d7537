/**
 * EKS as data: clusters, managed node groups, Fargate profiles, add-ons and insights. Operations move
 * resources through CREATING / UPDATING / DELETING and settle them after `delayMs`, as EKS does over
 * minutes. Objects returned are live: tests may set status, version, health issues, endpoint, CA.
 */
import { SandboxError } from "../http.ts";
import { hexId } from "../ids.ts";
import { defaultAddonVersion } from "./addon-versions.ts";
import type { Addon, Cluster, FargateProfile, Insight, Nodegroup, Pending, Update } from "./types.ts";

export type { Addon, Cluster, FargateProfile, HealthIssue, Insight, Nodegroup, Update } from "./types.ts";

interface ClusterEntry {
  cluster: Cluster;
  nodegroups: Map<string, Nodegroup>;
  fargateProfiles: Map<string, FargateProfile>;
  addons: Map<string, Addon>;
  insights: Insight[];
  updates: Map<string, Update>;
}

export function eksError(
  status: number,
  code: string,
  message: string,
  extra: Record<string, unknown> = {},
): SandboxError {
  return new SandboxError(status, code, message, { extra });
}

export class EksWorld {
  /** How long CREATING, UPDATING and DELETING last. */
  delayMs: number;
  private readonly clusters = new Map<string, ClusterEntry>();

  constructor(
    readonly now: () => number,
    delayMs: number,
    private readonly region: string,
    private readonly accountId: string,
  ) {
    this.delayMs = delayMs;
  }

  private arn(kind: string, path: string): string {
    return `arn:aws:eks:${this.region}:${this.accountId}:${kind}/${path}`;
  }

  /** Creates a cluster; `status: "ACTIVE"` skips CREATING (for seeding). */
  createCluster(
    name: string,
    options: {
      version?: string;
      roleArn?: string;
      status?: Cluster["status"];
      tags?: Record<string, string>;
      subnetIds?: string[];
    } = {},
  ): Cluster {
    this.settle();
    if (this.clusters.has(name))
      throw eksError(409, "ResourceInUseException", `Cluster already exists with name: ${name}`, {
        clusterName: name,
      });
    const version = options.version ?? "1.31";
    const id = hexId(32).toUpperCase();
    const cluster: Cluster = {
      name,
      arn: this.arn("cluster", name),
      createdAt: this.now(),
      version,
      platformVersion: "eks.1",
      endpoint: `https://${id}.gr7.${this.region}.eks.amazonaws.com`,
      roleArn: options.roleArn ?? `arn:aws:iam::${this.accountId}:role/eks-cluster`,
      status: options.status ?? "CREATING",
      certificateAuthority: { data: Buffer.from(`sandbox CA for ${name}`).toString("base64") },
      health: { issues: [] },
      tags: options.tags ?? {},
      ...(options.subnetIds ? { subnetIds: options.subnetIds } : {}),
    };
    if (cluster.status === "CREATING") cluster.pending = { to: "ACTIVE", at: this.now() + this.delayMs };
    this.clusters.set(name, {
      cluster,
      nodegroups: new Map(),
      fargateProfiles: new Map(),
      addons: new Map(),
      insights: [],
      updates: new Map(),
    });
    return cluster;
  }

  clusterNames(): string[] {
    this.settle();
    return [...this.clusters.keys()].sort();
  }

  /** The live cluster object, or undefined. */
  cluster(name: string): Cluster | undefined {
    this.settle();
    return this.clusters.get(name)?.cluster;
  }

  private entry(name: string): ClusterEntry {
    this.settle();
    const entry = this.clusters.get(name);
    if (!entry)
      throw eksError(404, "ResourceNotFoundException", `No cluster found for name: ${name}.`, {
        clusterName: name,
      });
    return entry;
  }

  requireCluster(name: string): Cluster {
    return this.entry(name).cluster;
  }

  deleteCluster(name: string): Cluster {
    const entry = this.entry(name);
    if (entry.nodegroups.size > 0) {
      throw eksError(409, "ResourceInUseException", "Cluster has nodegroups attached", { clusterName: name });
    }
    if (entry.fargateProfiles.size > 0) {
      throw eksError(409, "ResourceInUseException", "Cluster has fargate profiles attached", {
        clusterName: name,
      });
    }
    if (entry.cluster.status !== "DELETING") {
      entry.cluster.status = "DELETING";
      entry.cluster.pending = { to: "gone", at: this.now() + this.delayMs };
    }
    return entry.cluster;
  }

  createNodegroup(
    clusterName: string,
    name: string,
    options: {
      version?: string;
      scalingConfig?: Nodegroup["scalingConfig"];
      instanceTypes?: string[];
      status?: Nodegroup["status"];
      nodeRole?: string;
      amiType?: string;
      releaseVersion?: string;
    } = {},
  ): Nodegroup {
    const entry = this.entry(clusterName);
    if (entry.nodegroups.has(name)) {
      throw eksError(
        409,
        "ResourceInUseException",
        `NodeGroup already exists with name ${name} and cluster name ${clusterName}`,
        { clusterName, nodegroupName: name },
      );
    }
    const now = this.now();
    const nodegroup: Nodegroup = {
      nodegroupName: name,
      nodegroupArn: this.arn("nodegroup", `${clusterName}/${name}/${hexId(8)}-${hexId(4)}`),
      clusterName,
      version: options.version ?? entry.cluster.version,
      // Dated like EKS's releases (`1.33.0-20250704`): built the day the node group was made.
      releaseVersion:
        options.releaseVersion ??
        `${options.version ?? entry.cluster.version}.0-${new Date(now).toISOString().slice(0, 10).replaceAll("-", "")}`,
      createdAt: now,
      modifiedAt: now,
      status: options.status ?? "CREATING",
      capacityType: "ON_DEMAND",
      scalingConfig: options.scalingConfig ?? { minSize: 1, maxSize: 3, desiredSize: 2 },
      instanceTypes: options.instanceTypes ?? ["m5.large"],
      amiType: options.amiType ?? "AL2023_x86_64_STANDARD",
      nodeRole: options.nodeRole ?? `arn:aws:iam::${this.accountId}:role/eks-node`,
      health: { issues: [] },
    };
    if (nodegroup.status === "CREATING") nodegroup.pending = { to: "ACTIVE", at: now + this.delayMs };
    entry.nodegroups.set(name, nodegroup);
    return nodegroup;
  }

  nodegroups(clusterName: string): Nodegroup[] {
    return [...this.entry(clusterName).nodegroups.values()].sort((a, b) =>
      a.nodegroupName < b.nodegroupName ? -1 : 1,
    );
  }

  nodegroup(clusterName: string, name: string): Nodegroup | undefined {
    return this.entry(clusterName).nodegroups.get(name);
  }

  requireNodegroup(clusterName: string, name: string): Nodegroup {
    const nodegroup = this.nodegroup(clusterName, name);
    if (!nodegroup)
      throw eksError(404, "ResourceNotFoundException", `No node group found for name: ${name}.`, {
        clusterName,
        nodegroupName: name,
      });
    return nodegroup;
  }

  /** UpdateNodegroupConfig for scaling: UPDATING now, the new sizes and ACTIVE after the delay. */
  updateNodegroupScaling(
    clusterName: string,
    name: string,
    scaling: Partial<Nodegroup["scalingConfig"]>,
  ): Update {
    const nodegroup = this.requireNodegroup(clusterName, name);
    if (nodegroup.status !== "ACTIVE" && nodegroup.status !== "DEGRADED") {
      throw eksError(
        409,
        "ResourceInUseException",
        `Nodegroup ${name} is in status ${nodegroup.status}; it cannot be updated now.`,
        { clusterName, nodegroupName: name },
      );
    }
    const next = { ...nodegroup.scalingConfig, ...scaling };
    if (
      next.minSize < 0 ||
      next.desiredSize < next.minSize ||
      next.desiredSize > next.maxSize ||
      next.maxSize < 1
    ) {
      throw eksError(
        400,
        "InvalidParameterException",
        `Invalid scaling configuration: minSize ${next.minSize}, desiredSize ${next.desiredSize}, maxSize ${next.maxSize}.`,
        { clusterName, nodegroupName: name },
      );
    }
    const at = this.now() + this.delayMs;
    nodegroup.status = "UPDATING";
    nodegroup.pending = {
      to: "ACTIVE",
      at,
      apply: () => {
        nodegroup.scalingConfig = next;
        nodegroup.modifiedAt = at;
      },
    };
    const update: Update = {
      id: `${hexId(8)}-${hexId(4)}-${hexId(4)}-${hexId(4)}-${hexId(12)}`,
      status: "InProgress",
      type: "ConfigUpdate",
      params: Object.entries(scaling).map(([k, v]) => ({
        type: k.charAt(0).toUpperCase() + k.slice(1),
        value: String(v),
      })),
      createdAt: this.now(),
      errors: [],
      pending: { to: "Successful", at },
    };
    this.entry(clusterName).updates.set(update.id, update);
    return update;
  }

  update(clusterName: string, id: string): Update | undefined {
    return this.entry(clusterName).updates.get(id);
  }

  deleteNodegroup(clusterName: string, name: string): Nodegroup {
    const nodegroup = this.requireNodegroup(clusterName, name);
    if (nodegroup.status !== "DELETING") {
      nodegroup.status = "DELETING";
      nodegroup.pending = { to: "gone", at: this.now() + this.delayMs };
    }
    return nodegroup;
  }

  createFargateProfile(
    clusterName: string,
    name: string,
    options: { selectors?: FargateProfile["selectors"]; status?: FargateProfile["status"] } = {},
  ): FargateProfile {
    const entry = this.entry(clusterName);
    if (entry.fargateProfiles.has(name)) {
      throw eksError(
        409,
        "ResourceInUseException",
        `A Fargate Profile already exists with this name in this cluster.`,
        { clusterName, fargateProfileName: name },
      );
    }
    const profile: FargateProfile = {
      fargateProfileName: name,
      fargateProfileArn: this.arn("fargateprofile", `${clusterName}/${name}/${hexId(8)}`),
      clusterName,
      createdAt: this.now(),
      podExecutionRoleArn: `arn:aws:iam::${this.accountId}:role/eks-fargate`,
      selectors: options.selectors ?? [{ namespace: "default" }],
      status: options.status ?? "CREATING",
    };
    if (profile.status === "CREATING") profile.pending = { to: "ACTIVE", at: this.now() + this.delayMs };
    entry.fargateProfiles.set(name, profile);
    return profile;
  }

  fargateProfiles(clusterName: string): FargateProfile[] {
    return [...this.entry(clusterName).fargateProfiles.values()].sort((a, b) =>
      a.fargateProfileName < b.fargateProfileName ? -1 : 1,
    );
  }

  requireFargateProfile(clusterName: string, name: string): FargateProfile {
    const profile = this.entry(clusterName).fargateProfiles.get(name);
    if (!profile)
      throw eksError(404, "ResourceNotFoundException", `No Fargate Profile found with name: ${name}.`, {
        clusterName,
        fargateProfileName: name,
      });
    return profile;
  }

  /** EKS deletes one Fargate profile of a cluster at a time. */
  deleteFargateProfile(clusterName: string, name: string): FargateProfile {
    const profile = this.requireFargateProfile(clusterName, name);
    const other = this.fargateProfiles(clusterName).find(
      (p) => p.status === "DELETING" && p.fargateProfileName !== name,
    );
    if (other) {
      throw eksError(
        409,
        "ResourceInUseException",
        `Cannot delete Fargate Profile ${name} because cluster ${clusterName} currently has Fargate profile ${other.fargateProfileName} in status DELETING`,
        { clusterName, fargateProfileName: name },
      );
    }
    if (profile.status !== "DELETING") {
      profile.status = "DELETING";
      profile.pending = { to: "gone", at: this.now() + this.delayMs };
    }
    return profile;
  }

  createAddon(
    clusterName: string,
    name: string,
    options: { version?: string; status?: Addon["status"] } = {},
  ): Addon {
    const entry = this.entry(clusterName);
    if (entry.addons.has(name))
      throw eksError(409, "ResourceInUseException", `Addon ${name} already exists.`, {
        clusterName,
        addonName: name,
      });
    const now = this.now();
    const addon: Addon = {
      addonName: name,
      clusterName,
      status: options.status ?? "CREATING",
      addonVersion:
        options.version ?? defaultAddonVersion(name, entry.cluster.version) ?? `v1.0.0-eksbuild.1`,
      addonArn: this.arn("addon", `${clusterName}/${name}/${hexId(8)}`),
      createdAt: now,
      modifiedAt: now,
      health: { issues: [] },
    };
    if (addon.status === "CREATING") addon.pending = { to: "ACTIVE", at: now + this.delayMs };
    entry.addons.set(name, addon);
    return addon;
  }

  addons(clusterName: string): Addon[] {
    return [...this.entry(clusterName).addons.values()].sort((a, b) => (a.addonName < b.addonName ? -1 : 1));
  }

  requireAddon(clusterName: string, name: string): Addon {
    const addon = this.entry(clusterName).addons.get(name);
    if (!addon)
      throw eksError(404, "ResourceNotFoundException", `No addon: ${name} found in cluster: ${clusterName}`, {
        clusterName,
        addonName: name,
      });
    return addon;
  }

  /** Adds an upgrade insight (tests shape the answer of ListInsights with it). */
  addInsight(clusterName: string, insight: Partial<Insight> & Pick<Insight, "name">): Insight {
    const entry = this.entry(clusterName);
    const now = this.now();
    const full: Insight = {
      id: `${hexId(8)}-${hexId(4)}-${hexId(4)}-${hexId(4)}-${hexId(12)}`,
      category: "UPGRADE_READINESS",
      kubernetesVersion: entry.cluster.version,
      lastRefreshTime: now,
      lastTransitionTime: now,
      description: insight.name,
      insightStatus: { status: "PASSING", reason: "No issues found." },
      ...insight,
    };
    entry.insights.push(full);
    return full;
  }

  insights(clusterName: string): Insight[] {
    return [...this.entry(clusterName).insights];
  }

  /** Applies every status change whose time has come. */
  settle(): void {
    const now = this.now();
    for (const [name, entry] of this.clusters) {
      for (const map of [entry.nodegroups, entry.fargateProfiles, entry.addons, entry.updates] as Map<
        string,
        { status: string; pending?: Pending }
      >[]) {
        for (const [key, item] of map) {
          if (settleOne(item, now)) map.delete(key);
        }
      }
      if (settleOne(entry.cluster, now)) this.clusters.delete(name);
    }
  }
}

/** Applies a due transition; true when the item is gone. */
function settleOne(item: { status: string; pending?: Pending }, now: number): boolean {
  const pending = item.pending;
  if (!pending || pending.at > now) return false;
  delete item.pending;
  if (pending.to === "gone") return true;
  pending.apply?.();
  item.status = pending.to;
  return false;
}
