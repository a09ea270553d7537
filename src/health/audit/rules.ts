/**
 * The resilience audit: pure rules over workload objects, from manifest files or read live. What a
 * seasoned platform engineer checks before moving traffic to a new cluster: probes, replicas spread over
 * nodes and zones, disruption budgets, Guaranteed QoS for critical workloads, and API versions the
 * target Kubernetes version no longer serves.
 */
import { WORKLOAD_CODES, workloadFindings } from "./workload-rules.ts";
import type { Finding, Severity } from "../../engine/observation.ts";
import type { InsightReading } from "../../engine/ports.ts";
import { nodeZone } from "../kubernetes/checks.ts";
import { ref } from "../kubernetes/objects.ts";
import { matchesLabelSelector, type LabelSelectorObject } from "../kubernetes/labels.ts";
import type { V1Node, V1Pod } from "../kubernetes/objects.ts";
import { apiFindings, insightFindings } from "./api-rules.ts";
import { minorOf } from "./removed-apis.ts";
import { sameQuantity } from "./quantity.ts";

/** An object as the audit reads it (manifest YAML or an API object with apiVersion and kind set). */
export interface AuditObject {
  apiVersion: string;
  kind: string;
  metadata: { name?: string; namespace?: string; labels?: Record<string, string> };
  spec?: unknown;
  /** Where it came from (`file#n`), for manifests. */
  source?: string;
}

export interface AuditInput {
  objects: readonly AuditObject[];
  /** Pods and nodes of a live cluster: enables the placement checks. */
  live?: { pods: readonly V1Pod[]; nodes: readonly V1Node[] };
  /** EKS upgrade insights, when read. */
  insights?: readonly InsightReading[];
}

export interface AuditOptions {
  /** Kubernetes minor version to check API versions against, e.g. "1.31". */
  targetVersion: string;
  /** `namespace/name` of workloads whose pods must be Guaranteed QoS. */
  critical?: readonly string[];
  /** Finding codes that block the upgrade: they become errors. */
  block?: readonly string[];
}

/** Every code the resilience audit reports (rules.ts, api-rules.ts, workload-rules.ts). */
export const AUDIT_FINDING_CODES = [
  "no-readiness-probe",
  "no-liveness-probe",
  "replicas-one-node",
  "replicas-one-zone",
  "single-replica",
  "no-spread",
  "no-pdb",
  "pdb-blocks-drain",
  "critical-not-found",
  "not-guaranteed-qos",
  "removed-api",
  "deprecated-api",
  "eks-insight",
  ...WORKLOAD_CODES,
] as const;
export type AuditFindingCode = (typeof AUDIT_FINDING_CODES)[number];

export interface AuditFinding extends Finding<AuditFindingCode> {
  subject: string;
  /** Severity error: the upgrade should not go on. */
  blocking: boolean;
  source?: string;
}

type Rec = Record<string, unknown>;
const rec = (v: unknown): Rec => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Rec) : {});
const arr = (v: unknown): Rec[] => (Array.isArray(v) ? v.map(rec) : []);

const LONG_RUNNING = new Set(["Deployment", "StatefulSet", "DaemonSet"]);
const REPLICATED = new Set(["Deployment", "StatefulSet"]);

interface Workload {
  object: AuditObject;
  subject: string;
  label: string;
  namespace: string;
  name: string;
  template: Rec;
  replicas: number;
}

function podTemplate(o: AuditObject): Rec | undefined {
  const spec = rec(o.spec);
  if (o.kind === "CronJob") return rec(rec(rec(spec.jobTemplate).spec).template);
  if (["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job"].includes(o.kind))
    return rec(spec.template);
  return undefined;
}

function workloads(objects: readonly AuditObject[]): Workload[] {
  const out: Workload[] = [];
  for (const object of objects) {
    const template = podTemplate(object);
    if (!template) continue;
    const namespace = object.metadata.namespace ?? "default";
    const name = object.metadata.name ?? "?";
    const replicas = rec(object.spec).replicas;
    out.push({
      object,
      ...ref(object.kind, namespace, name),
      namespace,
      name,
      template,
      replicas: typeof replicas === "number" ? replicas : 1,
    });
  }
  return out;
}

function containers(template: Rec): Rec[] {
  return arr(rec(template.spec).containers);
}

function probeFindings(w: Workload, out: Omit<AuditFinding, "blocking">[]): void {
  if (!LONG_RUNNING.has(w.object.kind)) return;
  for (const c of containers(w.template)) {
    const name = String(c.name ?? "?");
    if (!c.readinessProbe) {
      out.push({
        severity: "warning",
        code: "no-readiness-probe",
        subject: w.subject,
        message: `${w.label}: container ${name} has no readiness probe, so it gets traffic before it can serve and keeps it when it cannot.`,
      });
    }
    if (!c.livenessProbe) {
      out.push({
        severity: "info",
        code: "no-liveness-probe",
        subject: w.subject,
        message: `${w.label}: container ${name} has no liveness probe, so a hung process is never restarted.`,
      });
    }
  }
}

function hasSpread(template: Rec): boolean {
  const spec = rec(template.spec);
  const anti = rec(rec(spec.affinity).podAntiAffinity);
  const antiRules =
    arr(anti.requiredDuringSchedulingIgnoredDuringExecution).length +
    arr(anti.preferredDuringSchedulingIgnoredDuringExecution).length;
  return antiRules > 0 || arr(spec.topologySpreadConstraints).length > 0;
}

function pdbsFor(w: Workload, pdbs: readonly AuditObject[]): AuditObject[] {
  const labels = rec(rec(w.template.metadata).labels) as Record<string, string>;
  return pdbs.filter(
    (p) =>
      (p.metadata.namespace ?? "default") === w.namespace &&
      matchesLabelSelector(rec(p.spec).selector as LabelSelectorObject | undefined, labels),
  );
}

/** A budget that allows no voluntary eviction: every node drain of these pods hangs. */
function blocksDrain(pdb: AuditObject, replicas: number): boolean {
  const spec = rec(pdb.spec);
  const maxUnavailable = spec.maxUnavailable;
  if (maxUnavailable === 0 || maxUnavailable === "0%") return true;
  const minAvailable = spec.minAvailable;
  if (typeof minAvailable === "number") return minAvailable >= replicas;
  return minAvailable === "100%";
}

function placementFindings(
  w: Workload,
  live: NonNullable<AuditInput["live"]>,
  out: Omit<AuditFinding, "blocking">[],
): void {
  if (!REPLICATED.has(w.object.kind) || w.replicas < 2) return;
  const selector = rec(w.object.spec).selector as LabelSelectorObject | undefined;
  const pods = live.pods.filter(
    (p) =>
      (p.metadata?.namespace ?? "default") === w.namespace &&
      p.status?.phase === "Running" &&
      p.spec?.nodeName &&
      matchesLabelSelector(selector, p.metadata?.labels),
  );
  if (pods.length < 2) return;
  const nodes = new Set(pods.map((p) => p.spec!.nodeName!));
  if (nodes.size === 1) {
    out.push({
      severity: "warning",
      code: "replicas-one-node",
      subject: w.subject,
      message: `${w.label}: all ${pods.length} running pods are on node ${[...nodes][0]}; losing that node takes the workload down.`,
    });
    return;
  }
  const zoneOf = new Map(live.nodes.map((n) => [n.metadata?.name, nodeZone(n)]));
  const zones = new Set([...nodes].map((n) => zoneOf.get(n)));
  if (zones.size === 1 && !zones.has(undefined)) {
    out.push({
      severity: "warning",
      code: "replicas-one-zone",
      subject: w.subject,
      message: `${w.label}: all ${pods.length} running pods are in zone ${[...zones][0]}; a zone outage takes the workload down.`,
    });
  }
}

const RESOURCES = ["cpu", "memory"] as const;

/** Why the pods are not Guaranteed QoS, or undefined when they are. */
function notGuaranteed(template: Rec): string | undefined {
  const spec = rec(template.spec);
  for (const c of [...arr(spec.initContainers), ...arr(spec.containers)]) {
    const limits = rec(rec(c.resources).limits);
    const requests = rec(rec(c.resources).requests);
    for (const r of RESOURCES) {
      if (limits[r] === undefined) return `container ${String(c.name)} has no ${r} limit`;
      if (requests[r] !== undefined && !sameQuantity(requests[r], limits[r])) {
        return `container ${String(c.name)} requests ${String(requests[r])} ${r} but is limited to ${String(limits[r])}`;
      }
    }
  }
  return undefined;
}

const ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

export function audit(input: AuditInput, options: AuditOptions): AuditFinding[] {
  const target = minorOf(options.targetVersion);
  const found: Omit<AuditFinding, "blocking">[] = [];
  const all = workloads(input.objects);
  const pdbs = input.objects.filter((o) => o.kind === "PodDisruptionBudget");
  const critical = new Set(
    (options.critical ?? []).map((key) => (key.includes("/") ? key : `default/${key}`)),
  );
  for (const w of all) {
    const before = found.length;
    probeFindings(w, found);
    found.push(
      ...workloadFindings({
        kind: w.object.kind,
        spec: rec(w.object.spec),
        template: w.template,
        subject: w.subject,
        label: w.label,
        critical: critical.has(`${w.namespace}/${w.name}`),
      }),
    );
    if (REPLICATED.has(w.object.kind)) {
      if (w.replicas === 1) {
        found.push({
          severity: "warning",
          code: "single-replica",
          subject: w.subject,
          message: `${w.label} runs 1 replica: every rollout, node drain or node failure is an outage.`,
        });
      } else if (w.replicas > 1) {
        if (!hasSpread(w.template)) {
          found.push({
            severity: "warning",
            code: "no-spread",
            subject: w.subject,
            message: `${w.label} runs ${w.replicas} replicas with no pod anti-affinity or topology spread constraint: the scheduler may put them all on one node or zone.`,
          });
        }
        const budgets = pdbsFor(w, pdbs);
        if (budgets.length === 0) {
          found.push({
            severity: "warning",
            code: "no-pdb",
            subject: w.subject,
            message: `${w.label} has no PodDisruptionBudget: a node drain may evict all ${w.replicas} replicas at once.`,
          });
        }
        for (const b of budgets.filter((p) => blocksDrain(p, w.replicas))) {
          found.push({
            severity: "warning",
            code: "pdb-blocks-drain",
            subject: w.subject,
            message: `${w.label}: PodDisruptionBudget ${b.metadata.name ?? "?"} allows no voluntary disruption, so node drains (and node group upgrades) hang.`,
          });
        }
      }
    }
    if (input.live) placementFindings(w, input.live, found);
    for (let i = before; i < found.length; i++) found[i]!.source ??= w.object.source;
  }
  for (const key of options.critical ?? []) {
    const [namespace, name] = key.includes("/") ? key.split("/", 2) : ["default", key];
    const matches = all.filter((w) => w.namespace === namespace && w.name === name);
    if (matches.length === 0) {
      found.push({
        severity: "warning",
        code: "critical-not-found",
        subject: `workload/${namespace}/${name}`,
        message: `The plan marks ${namespace}/${name} critical, but no workload of that name exists.`,
      });
    }
    for (const w of matches) {
      const why = notGuaranteed(w.template);
      if (why) {
        found.push({
          severity: "warning",
          code: "not-guaranteed-qos",
          subject: w.subject,
          source: w.object.source,
          message: `${w.label} is marked critical but its pods are not Guaranteed QoS (${why}): under node pressure they are evicted before Guaranteed ones.`,
        });
      }
    }
  }
  apiFindings(input.objects, target, options.targetVersion, found);
  insightFindings(input.insights ?? [], found);
  const block = new Set(options.block ?? []);
  return found
    .map((f) => {
      const severity: Severity = block.has(f.code) ? "error" : f.severity;
      const finding: AuditFinding = { ...f, severity, blocking: severity === "error" };
      if (finding.source === undefined) delete finding.source;
      return finding;
    })
    .sort(
      (a, b) =>
        ORDER[a.severity] - ORDER[b.severity] ||
        a.subject.localeCompare(b.subject) ||
        a.code.localeCompare(b.code),
    );
}
