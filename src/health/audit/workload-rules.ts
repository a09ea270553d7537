/**
 * Checks several tools agree on (Polaris, kube-score, Popeye), added to the resilience audit: image tags,
 * resource requests, minReadySeconds on critical workloads, a zero termination grace period, and a
 * readiness probe identical to the liveness probe. Pure; each finding names the container and the fix.
 */
import type { AuditFinding } from "./rules.ts";

type Rec = Record<string, unknown>;
const rec = (v: unknown): Rec => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Rec) : {});

export const WORKLOAD_CODES = [
  "image-latest",
  "no-resource-requests",
  "min-ready-seconds-zero",
  "termination-grace-zero",
  "readiness-equals-liveness",
] as const;

export interface WorkloadRef {
  kind: string;
  spec: Rec;
  template: Rec;
  subject: string;
  label: string;
  critical: boolean;
}

const LONG_RUNNING = new Set(["Deployment", "StatefulSet", "DaemonSet"]);

/** The tag of an image reference, `latest` when there is none; undefined when pinned by digest. */
export function imageTag(image: string): string | undefined {
  if (image.includes("@")) return undefined;
  const last = image.slice(image.lastIndexOf("/") + 1);
  const colon = last.indexOf(":");
  return colon < 0 ? "latest" : last.slice(colon + 1);
}

/** Stable JSON (sorted keys), to compare two probes. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (v && typeof v === "object")
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Rec)[k])}`)
      .join(",")}}`;
  return JSON.stringify(v);
}

export function workloadFindings(w: WorkloadRef): Omit<AuditFinding, "blocking">[] {
  const out: Omit<AuditFinding, "blocking">[] = [];
  const push = (severity: "warning" | "info", code: (typeof WORKLOAD_CODES)[number], message: string) =>
    out.push({ severity, code, subject: w.subject, message: `${w.label}: ${message}` });
  const podSpec = rec(w.template.spec);
  const containers = Array.isArray(podSpec.containers) ? podSpec.containers.map(rec) : [];
  for (const c of containers) {
    const name = String(c.name ?? "?");
    const image = typeof c.image === "string" ? c.image : "";
    const tag = image ? imageTag(image) : undefined;
    if (tag === "latest") {
      push(
        "warning",
        "image-latest",
        `container ${name} runs ${image}, an untagged or :latest image: blue and green may run different code. Pin a version tag or a digest.`,
      );
    }
    // A limit without a request sets the request to the limit.
    const requests = rec(rec(c.resources).requests);
    const limits = rec(rec(c.resources).limits);
    const missing = ["cpu", "memory"].filter((r) => requests[r] === undefined && limits[r] === undefined);
    if (LONG_RUNNING.has(w.kind) && missing.length > 0) {
      push(
        "warning",
        "no-resource-requests",
        `container ${name} has no ${missing.join(" or ")} request: the scheduler packs it blindly and green's capacity cannot be planned. Set resources.requests.`,
      );
    }
    if (
      LONG_RUNNING.has(w.kind) &&
      c.readinessProbe !== undefined &&
      c.livenessProbe !== undefined &&
      canonical(c.readinessProbe) === canonical(c.livenessProbe)
    ) {
      push(
        "warning",
        "readiness-equals-liveness",
        `container ${name}'s readiness probe is identical to its liveness probe: a pod that is only busy is restarted instead of taken out of traffic. Give liveness a cheaper check or a higher failureThreshold.`,
      );
    }
  }
  if (podSpec.terminationGracePeriodSeconds === 0) {
    push(
      "warning",
      "termination-grace-zero",
      `terminationGracePeriodSeconds is 0: pods are killed without draining in-flight requests. Leave the default (30) or set what shutdown needs.`,
    );
  }
  if (w.critical && (w.kind === "Deployment" || w.kind === "StatefulSet" || w.kind === "DaemonSet")) {
    const mrs = w.spec.minReadySeconds;
    if (mrs === undefined || mrs === 0) {
      push(
        "warning",
        "min-ready-seconds-zero",
        `minReadySeconds is 0 on a critical workload: a rollout moves on the moment a pod is Ready, before it has shown it stays up. Set minReadySeconds (e.g. 10).`,
      );
    }
  }
  return out;
}
