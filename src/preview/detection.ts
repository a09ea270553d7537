/**
 * The worst-case time between a regression on green and the tool noticing it, from what the tool itself
 * controls. CloudWatch's own evaluation (period × evaluation periods of each alarm) and client DNS
 * caching are not known here and are listed as not counted.
 */
import type { CompiledPlan } from "../plan/compile.ts";
import { analysisDetection } from "./analysis.ts";

/** Route 53 propagates a change to its name servers within about 60 seconds. */
export const INSYNC_ASSUMED_SECONDS = 60;
/** One tick's reads (DescribeAlarms and DescribeAlarmHistory pages, GetChange), counted generously. */
export const READ_ASSUMED_SECONDS = 5;

export interface DetectionPart {
  what: string;
  seconds: number;
}

export interface Detection {
  /** null when the plan watches no alarms: nothing detects a regression. */
  worstCaseSeconds: number | null;
  counted: DetectionPart[];
  notCounted: string[];
  /** Whether an ALARM that comes and goes between two polls is still seen (alarm history). */
  catchesShortAlarms: boolean;
  /** What happens next. */
  reaction: "rollback" | "pause";
  /** The metric gates' own path (plans with `analysis` metrics): INSYNC, evaluations, the metric's period, a read. */
  analysis?: { worstCaseSeconds: number; counted: DetectionPart[] };
}

/** `maxTtlSeconds`: the highest TTL of the live records, when they were read. */
export function detection(plan: CompiledPlan, maxTtlSeconds?: number): Detection {
  const { records, listeners, accelerators } = plan.doc.traffic;
  const counted: DetectionPart[] = [
    // A step is applied when its slowest kind is: Route 53 at INSYNC; ALB and Global Accelerator once
    // the API accepts the change and a re-read shows it (seconds, no DNS caches).
    records.length > 0
      ? { what: "Route 53 change reaching INSYNC (assumed)", seconds: INSYNC_ASSUMED_SECONDS }
      : {
          what: `${listeners.length > 0 ? "ALB" : "Global Accelerator"} change accepted and re-read (assumed)`,
          seconds: READ_ASSUMED_SECONDS,
        },
    { what: "alarm poll interval", seconds: plan.pollIntervalMs / 1000 },
    { what: "reading alarm states and history (assumed)", seconds: READ_ASSUMED_SECONDS },
  ];
  const notCounted = [
    "CloudWatch alarm evaluation (each alarm's period × evaluation periods)",
    ...(records.length === 0
      ? []
      : [
          maxTtlSeconds === undefined
            ? "client DNS caching (record TTL) before traffic reaches green"
            : `client DNS caching (record TTL, up to ${maxTtlSeconds}s live) before traffic reaches green`,
        ]),
    ...(accelerators.length > 0
      ? ["Global Accelerator propagating an update to its edge locations (seconds)"]
      : []),
  ];
  if (!plan.doc.alarms.history) {
    notCounted.push("alarm history is off: an ALARM shorter than the poll interval can be missed entirely");
  }
  const watches = plan.doc.alarms.names.length + plan.doc.alarms.prefixes.length > 0;
  const metricParts = analysisDetection(plan);
  const analysis = metricParts && {
    counted: [
      counted[0]!,
      ...metricParts,
      { what: "reading the metrics (assumed)", seconds: READ_ASSUMED_SECONDS },
    ],
    worstCaseSeconds: 0,
  };
  if (analysis) analysis.worstCaseSeconds = analysis.counted.reduce((sum, p) => sum + p.seconds, 0);
  if (!watches && !analysis) notCounted.unshift("no alarms are watched: no regression is detected");
  const alarmsWorst = watches ? counted.reduce((sum, p) => sum + p.seconds, 0) : null;
  return {
    worstCaseSeconds: alarmsWorst ?? analysis?.worstCaseSeconds ?? null,
    counted,
    notCounted,
    catchesShortAlarms: plan.doc.alarms.history,
    reaction: plan.doc.rollback.automatic ? "rollback" : "pause",
    ...(analysis ? { analysis } : {}),
  };
}
