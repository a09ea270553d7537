/**
 * The audit against a live cluster: workloads and disruption budgets as the API serves them (always in
 * current API versions, so removed APIs come from EKS insights instead), plus pods and nodes for the
 * placement checks.
 */
import type { InsightReading } from "../../engine/ports.ts";
import type { KubeApi } from "../kubernetes/api.ts";
import { readSnapshot, type Scope } from "../kubernetes/snapshot.ts";
import type { ClusterSnapshot } from "../kubernetes/objects.ts";
import { audit, type AuditFinding, type AuditObject, type AuditOptions } from "./rules.ts";

export function auditObjectsOf(snapshot: ClusterSnapshot): AuditObject[] {
  const meta = (m: { name?: string; namespace?: string; labels?: Record<string, string> } | undefined) => ({
    name: m?.name,
    namespace: m?.namespace,
    labels: m?.labels,
  });
  return [
    ...snapshot.workloads.map((w) => ({
      apiVersion: "apps/v1",
      kind: w.kind,
      metadata: meta(w.object.metadata),
      spec: w.object.spec,
    })),
    ...snapshot.pdbs.map((p) => ({
      apiVersion: "policy/v1",
      kind: "PodDisruptionBudget",
      metadata: meta(p.metadata),
      spec: p.spec,
    })),
  ];
}

export function auditSnapshot(
  snapshot: ClusterSnapshot,
  options: AuditOptions,
  insights?: readonly InsightReading[],
): AuditFinding[] {
  return audit(
    { objects: auditObjectsOf(snapshot), live: { pods: snapshot.pods, nodes: snapshot.nodes }, insights },
    options,
  );
}

export async function auditLive(
  api: KubeApi,
  scope: Omit<Scope, "argocd">,
  options: AuditOptions,
  insights?: readonly InsightReading[],
): Promise<AuditFinding[]> {
  const snapshot = await readSnapshot(api, { ...scope, argocd: false });
  return auditSnapshot(snapshot, options, insights);
}
