/** EKS over REST-JSON: paths under /clusters, errors named in the x-amzn-errortype header. */
import {
  jsonResponse,
  readJson,
  type Route,
  type SandboxError,
  type SandboxRequest,
  type SandboxResponse,
  type ServiceProtocol,
} from "../http.ts";
import { decodeToken, encodeToken } from "../ids.ts";
import { ADDON_VERSIONS, addonVersionsFor } from "./addon-versions.ts";
import {
  eksError,
  type Addon,
  type Cluster,
  type EksWorld,
  type FargateProfile,
  type Insight,
  type Nodegroup,
  type Update,
} from "./world.ts";

type Handler = (request: SandboxRequest, params: string[]) => unknown;

interface Endpoint {
  method: string;
  pattern: RegExp;
  operation: string;
  mutating: boolean;
  run: Handler;
}

export function eksProtocol(world: EksWorld): ServiceProtocol {
  const endpoints = buildEndpoints(world);
  return {
    service: "eks",
    throttling: { status: 429, code: "ThrottlingException", message: "Rate exceeded" },
    renderError,
    route(request): Route | undefined {
      for (const endpoint of endpoints) {
        if (endpoint.method !== request.method) continue;
        const m = endpoint.pattern.exec(request.path.replace(/\/+$/, ""));
        if (!m) continue;
        const params = m.slice(1).map((p) => decodeURIComponent(p));
        return {
          operation: endpoint.operation,
          mutating: endpoint.mutating,
          run: (): SandboxResponse =>
            jsonResponse(200, toJsonShape(endpoint.run(request, params)), request.requestId),
        };
      }
      return undefined;
    },
  };
}

function renderError(error: SandboxError, request: SandboxRequest): SandboxResponse {
  return jsonResponse(
    error.status,
    { message: error.message, ...(error.options.extra ?? {}) },
    request.requestId,
    "application/json",
    {
      "x-amzn-errortype": error.code,
    },
  );
}

/** REST-JSON timestamps are epoch seconds; fields named *At / *Time hold epoch ms in the world. */
function toJsonShape(value: unknown, key = ""): unknown {
  if (typeof value === "number" && /(At|Time)$/.test(key)) return value / 1000;
  if (Array.isArray(value)) return value.map((v) => toJsonShape(v));
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([k, v]) => v !== undefined && k !== "pending")
        .map(([k, v]) => [k, toJsonShape(v, k)]),
    );
  }
  return value;
}

function paginate<T>(
  items: T[],
  maxResults: unknown,
  nextToken: unknown,
  limit = 100,
): { page: T[]; nextToken?: string } {
  const size = maxResults === undefined || maxResults === null ? limit : Number(maxResults);
  if (!Number.isInteger(size) || size < 1 || size > limit) {
    throw eksError(400, "InvalidParameterException", `maxResults must be between 1 and ${limit}.`);
  }
  const start =
    nextToken === undefined || nextToken === null || nextToken === "" ? 0 : decodeToken(String(nextToken));
  if (start === undefined) throw eksError(400, "InvalidParameterException", "The nextToken is not valid.");
  const page = items.slice(start, start + size);
  return start + size < items.length ? { page, nextToken: encodeToken(start + size) } : { page };
}

function pageOf<T>(request: SandboxRequest, items: T[]): { page: T[]; nextToken?: string } {
  return paginate(
    items,
    request.query.get("maxResults") ?? undefined,
    request.query.get("nextToken") ?? undefined,
  );
}

function clusterOut(c: Cluster): unknown {
  return {
    name: c.name,
    arn: c.arn,
    createdAt: c.createdAt,
    version: c.version,
    endpoint: c.endpoint,
    roleArn: c.roleArn,
    resourcesVpcConfig: {
      subnetIds: c.subnetIds ?? [],
      securityGroupIds: [],
      endpointPublicAccess: true,
      endpointPrivateAccess: false,
    },
    kubernetesNetworkConfig: { serviceIpv4Cidr: "10.100.0.0/16", ipFamily: "ipv4" },
    status: c.status,
    certificateAuthority: c.certificateAuthority,
    platformVersion: c.platformVersion,
    health: c.health,
    tags: c.tags,
  };
}

function nodegroupOut(n: Nodegroup): unknown {
  return {
    nodegroupName: n.nodegroupName,
    nodegroupArn: n.nodegroupArn,
    clusterName: n.clusterName,
    version: n.version,
    releaseVersion: n.releaseVersion,
    createdAt: n.createdAt,
    modifiedAt: n.modifiedAt,
    status: n.status,
    capacityType: n.capacityType,
    scalingConfig: n.scalingConfig,
    instanceTypes: n.instanceTypes,
    amiType: n.amiType,
    nodeRole: n.nodeRole,
    health: n.health,
    subnets: [],
  };
}

function body(request: SandboxRequest): Record<string, unknown> {
  const json = readJson(request);
  return json;
}

function required(input: Record<string, unknown>, key: string): string {
  const value = input[key];
  if (typeof value !== "string" || value === "")
    throw eksError(400, "InvalidParameterException", `${key} is required.`);
  return value;
}

function scalingFrom(input: unknown): Partial<Nodegroup["scalingConfig"]> {
  const s = (input ?? {}) as Record<string, unknown>;
  const out: Partial<Nodegroup["scalingConfig"]> = {};
  for (const k of ["minSize", "maxSize", "desiredSize"] as const) {
    if (s[k] !== undefined) {
      if (typeof s[k] !== "number" || !Number.isInteger(s[k]))
        throw eksError(400, "InvalidParameterException", `scalingConfig.${k} must be a whole number.`);
      out[k] = s[k];
    }
  }
  return out;
}

const NAME = "([^/]+)";

function buildEndpoints(world: EksWorld): Endpoint[] {
  const e = (method: string, path: string, operation: string, mutating: boolean, run: Handler): Endpoint => ({
    method,
    pattern: new RegExp(`^${path}$`),
    operation,
    mutating,
    run,
  });
  return [
    e("GET", "/clusters", "ListClusters", false, (r) => {
      const { page, nextToken } = pageOf(r, world.clusterNames());
      return { clusters: page, nextToken };
    }),
    e("POST", "/clusters", "CreateCluster", true, (r) => {
      const input = body(r);
      const cluster = world.createCluster(required(input, "name"), {
        ...(typeof input["version"] === "string" ? { version: input["version"] } : {}),
        ...(typeof input["roleArn"] === "string" ? { roleArn: input["roleArn"] } : {}),
        ...(input["tags"] && typeof input["tags"] === "object"
          ? { tags: input["tags"] as Record<string, string> }
          : {}),
        ...subnetsFrom(input["resourcesVpcConfig"]),
      });
      return { cluster: clusterOut(cluster) };
    }),
    e("GET", `/clusters/${NAME}`, "DescribeCluster", false, (_r, [name]) => ({
      cluster: clusterOut(world.requireCluster(name!)),
    })),
    e("DELETE", `/clusters/${NAME}`, "DeleteCluster", true, (_r, [name]) => ({
      cluster: clusterOut(world.deleteCluster(name!)),
    })),
    e("GET", `/clusters/${NAME}/node-groups`, "ListNodegroups", false, (r, [name]) => {
      const { page, nextToken } = pageOf(
        r,
        world.nodegroups(name!).map((n) => n.nodegroupName),
      );
      return { nodegroups: page, nextToken };
    }),
    e("POST", `/clusters/${NAME}/node-groups`, "CreateNodegroup", true, (r, [name]) => {
      const input = body(r);
      const scaling = scalingFrom(input["scalingConfig"]);
      const nodegroup = world.createNodegroup(name!, required(input, "nodegroupName"), {
        ...(typeof input["version"] === "string" ? { version: input["version"] } : {}),
        ...(Array.isArray(input["instanceTypes"])
          ? { instanceTypes: input["instanceTypes"] as string[] }
          : {}),
        ...(typeof input["nodeRole"] === "string" ? { nodeRole: input["nodeRole"] } : {}),
        ...(Object.keys(scaling).length > 0
          ? { scalingConfig: { minSize: 1, maxSize: 3, desiredSize: 2, ...scaling } }
          : {}),
      });
      return { nodegroup: nodegroupOut(nodegroup) };
    }),
    e("GET", `/clusters/${NAME}/node-groups/${NAME}`, "DescribeNodegroup", false, (_r, [c, n]) => ({
      nodegroup: nodegroupOut(world.requireNodegroup(c!, n!)),
    })),
    e("DELETE", `/clusters/${NAME}/node-groups/${NAME}`, "DeleteNodegroup", true, (_r, [c, n]) => ({
      nodegroup: nodegroupOut(world.deleteNodegroup(c!, n!)),
    })),
    e(
      "POST",
      `/clusters/${NAME}/node-groups/${NAME}/update-config`,
      "UpdateNodegroupConfig",
      true,
      (r, [c, n]) => {
        const input = body(r);
        const update = world.updateNodegroupScaling(c!, n!, scalingFrom(input["scalingConfig"]));
        return { update: updateOut(update) };
      },
    ),
    e("GET", `/clusters/${NAME}/updates/${NAME}`, "DescribeUpdate", false, (_r, [c, id]) => {
      const update = world.update(c!, id!);
      if (!update)
        throw eksError(404, "ResourceNotFoundException", `No update found for ID: ${id}.`, {
          clusterName: c,
        });
      return { update: updateOut(update) };
    }),
    e("GET", `/clusters/${NAME}/fargate-profiles`, "ListFargateProfiles", false, (r, [name]) => {
      const { page, nextToken } = pageOf(
        r,
        world.fargateProfiles(name!).map((p) => p.fargateProfileName),
      );
      return { fargateProfileNames: page, nextToken };
    }),
    e("POST", `/clusters/${NAME}/fargate-profiles`, "CreateFargateProfile", true, (r, [name]) => {
      const input = body(r);
      const profile = world.createFargateProfile(name!, required(input, "fargateProfileName"), {
        ...(Array.isArray(input["selectors"])
          ? { selectors: input["selectors"] as FargateProfile["selectors"] }
          : {}),
      });
      return { fargateProfile: profile };
    }),
    e("GET", `/clusters/${NAME}/fargate-profiles/${NAME}`, "DescribeFargateProfile", false, (_r, [c, p]) => ({
      fargateProfile: world.requireFargateProfile(c!, p!),
    })),
    e("DELETE", `/clusters/${NAME}/fargate-profiles/${NAME}`, "DeleteFargateProfile", true, (_r, [c, p]) => ({
      fargateProfile: world.deleteFargateProfile(c!, p!),
    })),
    e("GET", `/clusters/${NAME}/addons`, "ListAddons", false, (r, [name]) => {
      const { page, nextToken } = pageOf(
        r,
        world.addons(name!).map((a) => a.addonName),
      );
      return { addons: page, nextToken };
    }),
    e("POST", `/clusters/${NAME}/addons`, "CreateAddon", true, (r, [name]) => {
      const input = body(r);
      const addon: Addon = world.createAddon(name!, required(input, "addonName"), {
        ...(typeof input["addonVersion"] === "string" ? { version: input["addonVersion"] } : {}),
      });
      return { addon };
    }),
    e("GET", "/addons/supported-versions", "DescribeAddonVersions", false, (r) => {
      const addonName = r.query.get("addonName") ?? undefined;
      const kubernetesVersion = r.query.get("kubernetesVersion") ?? undefined;
      const names = addonName ? [addonName] : Object.keys(ADDON_VERSIONS).sort();
      const items = names
        .map((name) => ({ name, versions: addonVersionsFor(name, kubernetesVersion) }))
        .filter((a) => a.versions.length > 0)
        .map((a) => ({
          addonName: a.name,
          type: "networking",
          owner: "aws",
          publisher: "eks",
          addonVersions: a.versions.map((v) => ({
            addonVersion: v.version,
            architecture: ["amd64", "arm64"],
            requiresConfiguration: false,
            compatibilities: v.supported.map((clusterVersion) => ({
              clusterVersion,
              platformVersions: ["*"],
              defaultVersion: v.defaultFor.includes(clusterVersion),
            })),
          })),
        }));
      const { page, nextToken } = pageOf(r, items);
      return { addons: page, nextToken };
    }),
    e("GET", `/clusters/${NAME}/addons/${NAME}`, "DescribeAddon", false, (_r, [c, a]) => ({
      addon: world.requireAddon(c!, a!),
    })),
    e("POST", `/clusters/${NAME}/insights`, "ListInsights", false, (r, [name]) => {
      const input = body(r);
      const filter = (input["filter"] ?? {}) as {
        categories?: string[];
        kubernetesVersions?: string[];
        statuses?: string[];
      };
      const items = world
        .insights(name!)
        .filter((i: Insight) => !filter.categories?.length || filter.categories.includes(i.category))
        .filter(
          (i) =>
            !filter.kubernetesVersions?.length || filter.kubernetesVersions.includes(i.kubernetesVersion),
        )
        .filter((i) => !filter.statuses?.length || filter.statuses.includes(i.insightStatus.status));
      const { page, nextToken } = paginate(items, input["maxResults"], input["nextToken"]);
      return { insights: page, nextToken };
    }),
  ];
}

function subnetsFrom(config: unknown): { subnetIds?: string[] } {
  const ids = (config as { subnetIds?: unknown } | undefined)?.subnetIds;
  return Array.isArray(ids) && ids.every((i) => typeof i === "string") ? { subnetIds: ids as string[] } : {};
}

function updateOut(update: Update): unknown {
  return {
    id: update.id,
    status: update.status,
    type: update.type,
    params: update.params,
    createdAt: update.createdAt,
    errors: update.errors,
  };
}
