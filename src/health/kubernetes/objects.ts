/**
 * What the checks read of a cluster, as plain data. Types come from @kubernetes/client-node (type-only,
 * so the audit of manifest files never loads the client); timestamps may be Date (from the client) or
 * string (from YAML), hence `timeOf`.
 */
import type {
  V1DaemonSet,
  V1Deployment,
  V1Node,
  V1Pod,
  V1PodDisruptionBudget,
  V1StatefulSet,
} from "@kubernetes/client-node";

export type { V1DaemonSet, V1Deployment, V1Node, V1Pod, V1PodDisruptionBudget, V1StatefulSet };

/** The fields of an Argo CD Application the health check reads. */
export interface ArgoApplication {
  metadata?: { name?: string; namespace?: string };
  spec?: { destination?: { namespace?: string; server?: string; name?: string } };
  status?: { sync?: { status?: string }; health?: { status?: string; message?: string } };
}

export type WorkloadKind = "Deployment" | "StatefulSet" | "DaemonSet";
export type Workload =
  | { kind: "Deployment"; object: V1Deployment }
  | { kind: "StatefulSet"; object: V1StatefulSet }
  | { kind: "DaemonSet"; object: V1DaemonSet };

export interface ClusterSnapshot {
  nodes: V1Node[];
  pods: V1Pod[];
  workloads: Workload[];
  pdbs: V1PodDisruptionBudget[];
  /** undefined: Argo CD is not installed (its CRD answers 404) or the check is off. */
  applications: ArgoApplication[] | undefined;
}

/**
 * How findings name an object: `subject` in the engine's style (`deployment/shop/web`, `node/ip-1`),
 * `label` for sentences (`Deployment shop/web`, `Node ip-1`).
 */
export function ref(
  kind: string,
  namespace: string | undefined,
  name: string | undefined,
): { subject: string; label: string } {
  const path = namespace === undefined ? (name ?? "?") : `${namespace}/${name ?? "?"}`;
  return { subject: `${kind.toLowerCase()}/${path}`, label: `${kind} ${path}` };
}

/** The `subject` of a namespaced workload. */
export function workloadId(kind: string, namespace: string | undefined, name: string | undefined): string {
  return ref(kind, namespace ?? "default", name).subject;
}

export function timeOf(value: Date | string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const t = value instanceof Date ? value.getTime() : Date.parse(value);
  return Number.isNaN(t) ? undefined : t;
}

/** Desired replicas: DaemonSets desire one pod per scheduled node. */
export function desiredReplicas(w: Workload): number {
  if (w.kind === "DaemonSet") return w.object.status?.desiredNumberScheduled ?? 0;
  return w.object.spec?.replicas ?? 1;
}

export function readyReplicas(w: Workload): number {
  if (w.kind === "DaemonSet") return w.object.status?.numberReady ?? 0;
  return w.object.status?.readyReplicas ?? 0;
}
