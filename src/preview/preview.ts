/**
 * The dry-run preview as one data document: what `plan --output json` prints and what the text
 * rendering reads. Pure: the command gathers the live observation (or none, offline) and passes it in.
 */
import { buildTargetRequests, type TargetRequests } from "./target-requests.ts";
import { capacityPreview, type CapacityPreview } from "./capacity.ts";
import type { LoadedPlan } from "../plan/load.ts";
import type { PairReading } from "../engine/ports.ts";
import type { Finding, Observation } from "../engine/observation.ts";
import { preflight } from "../engine/preflight.ts";
import { buildTimeline, type RetireRow, type TimelineRow } from "./timeline.ts";
import { buildChangeBatches, type ChangeBatches } from "./batches.ts";
import { detection, type Detection } from "./detection.ts";
import { kubernetesSummary, type CountedFindings } from "./kubernetes.ts";
import { analysisPreview, type AnalysisPreview } from "./analysis.ts";

type Counts = Omit<CountedFindings, "findings">;

export interface ChangeWindowSummary {
  days: string[];
  start: string;
  end: string;
  timeZone: string;
}

export interface Preview {
  plan: { name: string; file: string; hash: string };
  /** offline: from the plan alone; live: preflight read AWS (read-only). */
  mode: "offline" | "live";
  timeline: TimelineRow[];
  retire: RetireRow;
  completeAtSeconds: number;
  changeWindows: ChangeWindowSummary[];
  changeBatches: ChangeBatches;
  /** ALB and Global Accelerator requests per step; null when the plan names none. */
  targetRequests: TargetRequests | null;
  detection: Detection;
  findings: Finding[];
  summary: { errors: number; warnings: number; infos: number };
  /** Green's Kubernetes health and audit at a glance (their findings are among `findings`); null when the plan does not enable `health.kubernetes`. */
  kubernetes: { health: Counts; audit: Counts } | null;
  /** Metric analysis: each metric's resolved queries per side, the steps it judges, live its latest values (empty without `analysis`). */
  analysis: AnalysisPreview["metrics"];
  /** The plan's analysis interval and observed-split queries per side; null without `analysis`. */
  analysisSettings: Omit<AnalysisPreview, "metrics"> | null;
  /** Per step, the ready replicas green needs per workload; null when the plan has no `capacity`. */
  capacity: CapacityPreview | null;
}

function planWarningFindings(plan: LoadedPlan): Finding[] {
  return plan.warnings.map((w) => ({
    severity: "warning" as const,
    code: w.code ?? "plan-warning",
    message: `${w.path ? `${w.path}: ` : ""}${w.message}${w.hint ? ` (${w.hint})` : ""}`,
    ...(w.path ? { subject: w.path } : {}),
  }));
}

const ORDER = { error: 0, warning: 1, info: 2 } as const;

function maxTtl(readings: readonly PairReading[] | undefined): number | undefined {
  const ttls = (readings ?? []).flatMap((r) => [r.blue?.TTL, r.green?.TTL]).filter((t) => t !== undefined);
  return ttls.length > 0 ? Math.max(...ttls) : undefined;
}

export function buildPreview(plan: LoadedPlan, observation?: Observation): Preview {
  const timeline = buildTimeline(plan);
  const live = observation?.traffic.ok ? observation.traffic.value : undefined;
  const metrics = analysisPreview(plan, observation);
  const findings = [
    ...planWarningFindings(plan),
    ...(observation ? preflight(plan, observation) : []),
    ...metrics.findings,
  ];
  if (!observation) {
    findings.push({
      severity: "info",
      code: "offline",
      message:
        "Offline: green's cluster, the records and the alarms were not read; run without --offline to check them.",
    });
  }
  // Stable order (errors first) keeps the output readable and diffable.
  const sorted = findings
    .map((f, i) => ({ f, i }))
    .sort((a, b) => ORDER[a.f.severity] - ORDER[b.f.severity] || a.i - b.i)
    .map(({ f }) => f);
  return {
    plan: { name: plan.name, file: plan.file, hash: plan.hash },
    mode: observation ? "live" : "offline",
    timeline: timeline.rows,
    retire: timeline.retire,
    completeAtSeconds: timeline.completeAtSeconds,
    changeWindows: plan.doc.changeWindows.map((w) => ({
      days: w.days,
      start: w.start,
      end: w.end,
      timeZone: w.timeZone,
    })),
    changeBatches: buildChangeBatches(plan, live, observation !== undefined && !observation.traffic.ok),
    targetRequests: buildTargetRequests(plan, observation),
    detection: detection(plan, maxTtl(live)),
    findings: sorted,
    summary: {
      errors: sorted.filter((f) => f.severity === "error").length,
      warnings: sorted.filter((f) => f.severity === "warning").length,
      infos: sorted.filter((f) => f.severity === "info").length,
    },
    kubernetes: kubernetesJson(plan, observation),
    analysis: metrics.analysis?.metrics ?? [],
    analysisSettings: metrics.analysis
      ? { interval: metrics.analysis.interval, split: metrics.analysis.split }
      : null,
    capacity: capacityPreview(plan, observation),
  };
}

/** The summary without its findings: those are in the preview's `findings` already. */
function kubernetesJson(plan: LoadedPlan, observation: Observation | undefined): Preview["kubernetes"] {
  const k = kubernetesSummary(plan, observation);
  if (!k) return null;
  const counts = ({ findings: _, ...rest }: CountedFindings): Counts => rest;
  return { health: counts(k.health), audit: counts(k.audit) };
}
