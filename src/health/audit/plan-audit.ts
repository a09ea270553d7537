/**
 * What the resilience audit of a plan checks, wired once for `eks-bluegreen audit` and for the preflight
 * audit (KubernetesPort.audit): the target version, the critical workloads, the blocking codes, and which
 * workloads of green a live audit reads. Pure: no Kubernetes or AWS module is loaded by it.
 */
import type { CompiledPlan } from "../../plan/compile.ts";
import type { KubernetesSettings } from "../kubernetes/observe.ts";
import type { Scope } from "../kubernetes/snapshot.ts";
import { minorOf, NEWEST_KNOWN } from "./removed-apis.ts";
import type { AuditOptions } from "./rules.ts";

/**
 * The audit's options for a plan (or for no plan: manifests alone). The target version is `override`
 * when given (`--target-version`), else green's `kubernetesVersion`, else the newest version the API
 * table knows. Throws a RangeError naming the version when it is not a Kubernetes minor version.
 */
export function auditOptions(plan: CompiledPlan | undefined, override?: string): AuditOptions {
  const version = override ?? plan?.doc.clusters.green.kubernetesVersion ?? NEWEST_KNOWN;
  const audit = plan?.doc.health?.audit;
  return {
    targetVersion: `1.${minorOf(version)}`,
    critical: audit?.critical ?? [],
    block: audit?.block ?? [],
  };
}

/** The workloads a live audit of green reads: the plan's `health.kubernetes` namespaces and selector. */
export function auditScope(settings: KubernetesSettings): Omit<Scope, "argocd"> {
  return { namespaces: settings.namespaces, labelSelector: settings.labelSelector };
}
