/**
 * The Kubernetes-level health rules, as pure functions over objects already fetched. Each finding names
 * the object (`Kind namespace/name`) and why; `error` findings fail a check, `warning` ones are shown.
 */
import type { Finding } from "../../engine/observation.ts";

/** Every code the Kubernetes health checks report (health/kubernetes). */
export const KUBERNETES_FINDING_CODES = [
  "node-not-ready",
  "node-cordoned",
  "no-ready-nodes",
  "node-zones",
  "workload-unavailable",
  "pod-crash-looping",
  "pod-image-pull",
  "pod-cannot-start",
  "pod-pending",
  "argocd-out-of-sync",
  "argocd-unhealthy",
  "parity-missing",
  "parity-short",
  "parity-unknown",
] as const;
export type KubernetesFindingCode = (typeof KUBERNETES_FINDING_CODES)[number];
export type KubernetesFinding = Finding<KubernetesFindingCode>;
import {
  desiredReplicas,
  readyReplicas,
  timeOf,
  ref,
  type ArgoApplication,
  type V1Node,
  type V1Pod,
  type Workload,
  type WorkloadKind,
} from "./objects.ts";

export const ZONE_LABELS = ["topology.kubernetes.io/zone", "failure-domain.beta.kubernetes.io/zone"];

export function nodeZone(node: V1Node): string | undefined {
  const labels = node.metadata?.labels ?? {};
  for (const key of ZONE_LABELS) if (labels[key]) return labels[key];
  return undefined;
}

export function nodeReady(node: V1Node): boolean {
  return (node.status?.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True");
}

export function nodeFindings(nodes: readonly V1Node[], minZones: number): KubernetesFinding[] {
  const findings: KubernetesFinding[] = [];
  const ready = nodes.filter(nodeReady);
  for (const node of nodes) {
    const { subject, label } = ref("Node", undefined, node.metadata?.name);
    if (!nodeReady(node)) {
      const c = (node.status?.conditions ?? []).find((x) => x.type === "Ready");
      const why = c
        ? `Ready is ${c.status}${c.reason ? ` (${c.reason}${c.message ? `: ${c.message}` : ""})` : ""}`
        : "no Ready condition";
      findings.push({
        severity: "error",
        code: "node-not-ready",
        subject,
        message: `${label} is not ready: ${why}.`,
      });
    } else if (node.spec?.unschedulable) {
      findings.push({
        severity: "warning",
        code: "node-cordoned",
        subject,
        message: `${label} is cordoned: no new pods land on it.`,
      });
    }
  }
  if (ready.length === 0) {
    findings.push({
      severity: "error",
      code: "no-ready-nodes",
      subject: "nodes",
      message:
        nodes.length === 0 ? "The cluster has no nodes." : `None of the ${nodes.length} nodes is ready.`,
    });
    return findings;
  }
  const zones = [...new Set(ready.map(nodeZone).filter((z): z is string => z !== undefined))].sort();
  if (zones.length < minZones) {
    findings.push({
      severity: "error",
      code: "node-zones",
      subject: "nodes",
      message: `Ready nodes span ${zones.length} zone${zones.length === 1 ? "" : "s"}${zones.length ? ` (${zones.join(", ")})` : ""}; the plan asks for at least ${minZones}.`,
    });
  }
  return findings;
}

interface Rollout {
  desired: number;
  ready: number;
  updated: number;
  available: number;
  observed: boolean;
}

function rollout(w: Workload): Rollout {
  const meta = w.object.metadata;
  const observed = (w.object.status?.observedGeneration ?? meta?.generation ?? 0) >= (meta?.generation ?? 0);
  if (w.kind === "DaemonSet") {
    const s = w.object.status;
    return {
      desired: s?.desiredNumberScheduled ?? 0,
      ready: s?.numberReady ?? 0,
      updated: s?.updatedNumberScheduled ?? 0,
      available: s?.numberAvailable ?? 0,
      observed,
    };
  }
  const s = w.object.status;
  return {
    desired: w.object.spec?.replicas ?? 1,
    ready: s?.readyReplicas ?? 0,
    updated: s?.updatedReplicas ?? 0,
    available: s?.availableReplicas ?? 0,
    observed,
  };
}

export function workloadFindings(workloads: readonly Workload[]): KubernetesFinding[] {
  const findings: KubernetesFinding[] = [];
  for (const w of workloads) {
    const r = rollout(w);
    const { subject, label } = ref(
      w.kind,
      w.object.metadata?.namespace ?? "default",
      w.object.metadata?.name,
    );
    const short = r.ready < r.desired || r.updated < r.desired || r.available < r.desired;
    if (!short && r.observed) continue;
    const stalled = (w.kind === "Deployment" ? (w.object.status?.conditions ?? []) : []).find(
      (c) => c.type === "Progressing" && c.reason === "ProgressDeadlineExceeded",
    );
    const counts = `${r.ready}/${r.desired} ready, ${r.updated}/${r.desired} updated, ${r.available}/${r.desired} available`;
    const message = !r.observed
      ? `${label}: its controller has not yet seen the latest spec (${counts}).`
      : `${label} is not fully available: ${counts}${stalled ? "; the rollout exceeded its progress deadline" : ""}.`;
    findings.push({ severity: "error", code: "workload-unavailable", subject, message });
  }
  return findings;
}

const CRASH = new Set(["CrashLoopBackOff"]);
const IMAGE = new Set(["ImagePullBackOff", "ErrImagePull", "InvalidImageName"]);
const CANNOT_START = new Set(["CreateContainerConfigError", "CreateContainerError", "RunContainerError"]);

export function podFindings(
  pods: readonly V1Pod[],
  nowMs: number,
  pendingGraceMs: number,
): KubernetesFinding[] {
  const findings: KubernetesFinding[] = [];
  for (const pod of pods) {
    const { subject, label } = ref("Pod", pod.metadata?.namespace ?? "default", pod.metadata?.name);
    const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
    let reported = false;
    for (const cs of statuses) {
      const reason = cs.state?.waiting?.reason;
      if (!reason) continue;
      const detail = cs.state?.waiting?.message ? `: ${cs.state.waiting.message}` : "";
      if (CRASH.has(reason)) {
        findings.push({
          severity: "error",
          code: "pod-crash-looping",
          subject,
          message: `${label}: container ${cs.name} is in CrashLoopBackOff (${cs.restartCount} restarts)${detail}.`,
        });
      } else if (IMAGE.has(reason)) {
        findings.push({
          severity: "error",
          code: "pod-image-pull",
          subject,
          message: `${label}: container ${cs.name} cannot pull its image ${cs.image ?? ""} (${reason})${detail}.`,
        });
      } else if (CANNOT_START.has(reason)) {
        findings.push({
          severity: "error",
          code: "pod-cannot-start",
          subject,
          message: `${label}: container ${cs.name} cannot start (${reason})${detail}.`,
        });
      } else continue;
      reported = true;
    }
    if (reported || pod.status?.phase !== "Pending") continue;
    const since = timeOf(pod.metadata?.creationTimestamp as Date | string | undefined);
    if (since === undefined || nowMs - since <= pendingGraceMs) continue;
    const scheduled = (pod.status?.conditions ?? []).find(
      (c) => c.type === "PodScheduled" && c.status === "False",
    );
    const why = scheduled
      ? ` (${scheduled.reason ?? "not scheduled"}${scheduled.message ? `: ${scheduled.message}` : ""})`
      : "";
    findings.push({
      severity: "error",
      code: "pod-pending",
      subject,
      message: `${label} has been Pending for ${Math.round((nowMs - since) / 1000)}s, past the ${Math.round(pendingGraceMs / 1000)}s grace${why}.`,
    });
  }
  return findings;
}

/** Restart count per container, keyed `namespace/pod/container`. */
export function restartCounts(pods: readonly V1Pod[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const pod of pods) {
    for (const cs of pod.status?.containerStatuses ?? []) {
      counts[`${pod.metadata?.namespace ?? "default"}/${pod.metadata?.name ?? "?"}/${cs.name}`] =
        cs.restartCount ?? 0;
    }
  }
  return counts;
}

export function argoFindings(applications: readonly ArgoApplication[] | undefined): KubernetesFinding[] {
  if (!applications) return [];
  const findings: KubernetesFinding[] = [];
  for (const app of applications) {
    const { subject, label } = ref("Application", app.metadata?.namespace ?? "argocd", app.metadata?.name);
    const sync = app.status?.sync?.status ?? "Unknown";
    const health = app.status?.health?.status ?? "Unknown";
    if (sync !== "Synced") {
      findings.push({
        severity: "error",
        code: "argocd-out-of-sync",
        subject,
        message: `${label} is ${sync}, not Synced.`,
      });
    }
    if (health !== "Healthy") {
      const detail = app.status?.health?.message ? `: ${app.status.health.message}` : "";
      findings.push({
        // Progressing is a rollout under way: worth showing, not a failure by itself.
        severity: health === "Progressing" ? "warning" : "error",
        code: "argocd-unhealthy",
        subject,
        message: `${label} is ${health}, not Healthy${detail}.`,
      });
    }
  }
  return findings;
}

/** One workload as parity sees it. */
export interface WorkloadCount {
  kind: WorkloadKind;
  namespace: string;
  name: string;
  desired: number;
  ready: number;
}

export function inventory(workloads: readonly Workload[]): WorkloadCount[] {
  return workloads.map((w) => ({
    kind: w.kind,
    namespace: w.object.metadata?.namespace ?? "default",
    name: w.object.metadata?.name ?? "?",
    desired: desiredReplicas(w),
    ready: readyReplicas(w),
  }));
}

/**
 * Every workload blue runs must exist in green with at least `minReadyPercent` of blue's desired
 * replicas ready. DaemonSets compare pod counts too, which differ when node counts differ: that is
 * the point (green must carry blue's load).
 */
export function parityFindings(
  blue: readonly WorkloadCount[],
  green: readonly WorkloadCount[],
  minReadyPercent: number,
): KubernetesFinding[] {
  const byId = new Map(green.map((g) => [`${g.kind}/${g.namespace}/${g.name}`, g]));
  const findings: KubernetesFinding[] = [];
  for (const b of blue) {
    const { subject, label } = ref(b.kind, b.namespace, b.name);
    const g = byId.get(`${b.kind}/${b.namespace}/${b.name}`);
    if (!g) {
      findings.push({
        severity: "error",
        code: "parity-missing",
        subject,
        message: `${label} runs on blue but does not exist on green.`,
      });
      continue;
    }
    const needed = Math.ceil((b.desired * minReadyPercent) / 100);
    if (g.ready < needed) {
      findings.push({
        severity: "error",
        code: "parity-short",
        subject,
        message: `${label} has ${g.ready} ready replicas on green; blue desires ${b.desired}, so the plan (${minReadyPercent}%) needs ${needed}.`,
      });
    }
  }
  return findings;
}
