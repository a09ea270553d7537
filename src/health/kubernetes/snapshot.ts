/**
 * Reads what the checks need from a cluster, in parallel, scoped to the plan's namespaces and label
 * selector (nodes and disruption budgets are not label-scoped; Argo CD Applications are scoped by the
 * namespace they deploy to).
 */
import type { KubeApi } from "./api.ts";
import type { ArgoApplication, ClusterSnapshot, Workload } from "./objects.ts";

export interface Scope {
  /** Empty: every namespace but kube-system. */
  namespaces: readonly string[];
  labelSelector?: string;
  argocd: boolean;
}

const SYSTEM = "kube-system";

async function perNamespace<T>(
  scope: Scope,
  list: (namespace: string | undefined) => Promise<T[]>,
  namespaceOf: (item: T) => string | undefined,
): Promise<T[]> {
  if (scope.namespaces.length === 0) {
    return (await list(undefined)).filter((item) => namespaceOf(item) !== SYSTEM);
  }
  return (await Promise.all(scope.namespaces.map((ns) => list(ns)))).flat();
}

function inScope(app: ArgoApplication, scope: Scope): boolean {
  if (scope.namespaces.length === 0) return true;
  const target = app.spec?.destination?.namespace;
  return target !== undefined && scope.namespaces.includes(target);
}

export async function readSnapshot(api: KubeApi, scope: Scope): Promise<ClusterSnapshot> {
  const ns = (o: { metadata?: { namespace?: string } }) => o.metadata?.namespace;
  const sel = scope.labelSelector;
  const [nodes, pods, deployments, statefulSets, daemonSets, pdbs, applications] = await Promise.all([
    api.nodes(),
    perNamespace(scope, (n) => api.pods(n, sel), ns),
    perNamespace(scope, (n) => api.deployments(n, sel), ns),
    perNamespace(scope, (n) => api.statefulSets(n, sel), ns),
    perNamespace(scope, (n) => api.daemonSets(n, sel), ns),
    perNamespace(scope, (n) => api.pdbs(n), ns),
    scope.argocd ? api.applications() : Promise.resolve(undefined),
  ]);
  const workloads: Workload[] = [
    ...deployments.map((object) => ({ kind: "Deployment" as const, object })),
    ...statefulSets.map((object) => ({ kind: "StatefulSet" as const, object })),
    ...daemonSets.map((object) => ({ kind: "DaemonSet" as const, object })),
  ];
  return {
    nodes,
    pods,
    workloads,
    pdbs,
    applications: applications?.filter((a) => inScope(a, scope)),
  };
}
