/**
 * Audit rules about the API rather than the workloads: API versions the target Kubernetes version no
 * longer serves (manifests, from the table in removed-apis.ts) and EKS upgrade insights (live).
 */
import type { InsightReading } from "../../engine/ports.ts";
import { ref } from "../kubernetes/objects.ts";
import { minorOf, removal } from "./removed-apis.ts";
import type { AuditFinding, AuditObject } from "./rules.ts";

type Found = Omit<AuditFinding, "blocking">;

export function apiFindings(
  objects: readonly AuditObject[],
  target: number,
  targetVersion: string,
  out: Found[],
): void {
  for (const o of objects) {
    const gone = removal(o.apiVersion, o.kind);
    if (!gone) continue;
    const { subject, label } = ref(o.kind, o.metadata.namespace, o.metadata.name);
    const removedIn = minorOf(gone.removedIn);
    if (removedIn <= target) {
      out.push({
        severity: "error",
        code: "removed-api",
        subject,
        source: o.source,
        message: `${label} uses ${o.apiVersion}, which Kubernetes ${gone.removedIn} removed (target ${targetVersion}): use ${gone.replacement}.`,
      });
    } else {
      out.push({
        severity: "info",
        code: "deprecated-api",
        subject,
        source: o.source,
        message: `${label} uses ${o.apiVersion}, deprecated and removed in Kubernetes ${gone.removedIn}: move to ${gone.replacement}.`,
      });
    }
  }
}

export function insightFindings(insights: readonly InsightReading[], out: Found[]): void {
  for (const i of insights) {
    if (i.status !== "ERROR" && i.status !== "WARNING") continue;
    out.push({
      severity: i.status === "ERROR" ? "error" : "warning",
      code: "eks-insight",
      subject: `insight/${i.id}`,
      message: `EKS insight "${i.name}" (${i.category}) is ${i.status}: ${i.reason}`,
    });
  }
}
