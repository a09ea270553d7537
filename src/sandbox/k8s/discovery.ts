/**
 * API discovery as kubectl reads it: `/api`, `/apis`, and each group version's resource list (legacy,
 * unaggregated discovery: kubectl falls back to it when the answer is plain JSON). Only the kinds the
 * sandbox serves; verbs say what it does (read everything; patch and scale replicas of Deployments and
 * StatefulSets).
 */
import type { ResourceType } from "./resources.ts";

const SHORT_NAMES: Record<string, string[]> = {
  namespaces: ["ns"],
  nodes: ["no"],
  pods: ["po"],
  services: ["svc"],
  deployments: ["deploy"],
  statefulsets: ["sts"],
  daemonsets: ["ds"],
  replicasets: ["rs"],
  cronjobs: ["cj"],
  poddisruptionbudgets: ["pdb"],
  ingresses: ["ing"],
  horizontalpodautoscalers: ["hpa"],
  applications: ["app", "apps"],
};

/** Kinds whose replicas the sandbox lets `kubectl scale` and `kubectl patch` change. */
export const SCALABLE = new Set(["Deployment", "StatefulSet"]);

const groupVersion = (t: ResourceType) => (t.group ? `${t.group}/${t.version}` : t.version);

function resourceList(gv: string, types: ResourceType[]) {
  const resources = types.flatMap((t) => {
    const scalable = SCALABLE.has(t.kind);
    const main = {
      name: t.plural,
      singularName: t.kind.toLowerCase(),
      namespaced: t.namespaced,
      kind: t.kind,
      verbs: scalable ? ["get", "list", "patch"] : ["get", "list"],
      ...(SHORT_NAMES[t.plural] ? { shortNames: SHORT_NAMES[t.plural] } : {}),
    };
    const scale = {
      name: `${t.plural}/scale`,
      singularName: "",
      namespaced: t.namespaced,
      group: "autoscaling",
      version: "v1",
      kind: "Scale",
      verbs: ["get", "patch", "update"],
    };
    return scalable ? [main, scale] : [main];
  });
  return { kind: "APIResourceList", apiVersion: "v1", groupVersion: gv, resources };
}

/** The discovery document for `path`, or undefined when `path` is not a discovery path. */
export function discovery(path: string, served: ResourceType[], serverAddress: string): unknown {
  const parts = path.split("/").filter(Boolean);
  if (parts.length === 1 && parts[0] === "api") {
    return {
      kind: "APIVersions",
      versions: ["v1"],
      serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress }],
    };
  }
  if (parts.length === 2 && parts[0] === "api") {
    const types = served.filter((t) => t.group === "" && t.version === parts[1]);
    return types.length > 0 ? resourceList(parts[1]!, types) : undefined;
  }
  if (parts.length === 1 && parts[0] === "apis") {
    const groups = new Map<string, string[]>();
    for (const t of served.filter((x) => x.group !== "")) {
      const versions = groups.get(t.group) ?? [];
      if (!versions.includes(t.version)) versions.push(t.version);
      groups.set(t.group, versions);
    }
    return {
      kind: "APIGroupList",
      apiVersion: "v1",
      groups: [...groups.entries()]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([name, versions]) => ({
          name,
          versions: versions.map((version) => ({ groupVersion: `${name}/${version}`, version })),
          preferredVersion: { groupVersion: `${name}/${versions[0]}`, version: versions[0] },
        })),
    };
  }
  if (parts.length === 3 && parts[0] === "apis") {
    const gv = `${parts[1]}/${parts[2]}`;
    const types = served.filter((t) => groupVersion(t) === gv);
    return types.length > 0 ? resourceList(gv, types) : undefined;
  }
  return undefined;
}
