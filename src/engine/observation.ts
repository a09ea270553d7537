/**
 * What one tick sees of the world, gathered through the ports (runner/observe.ts) and judged by pure rules
 * (preflight.ts, verdict.ts). Each part is either a reading or the error that prevented it: a part that
 * could not be read is an `error` verdict (hold and look again), never a failure.
 */
import type {
  AlarmReading,
  AlarmTransition,
  ClusterReading,
  EndpointGroupReading,
  ListenerReading,
  PairReading,
} from "./ports.ts";
import type { MetricDataResultLike } from "../analysis/index.ts";
import type { Target } from "./state.ts";

export type Severity = "error" | "warning" | "info";

/**
 * One thing a check found. `code` is stable (kebab-case); `subject` names the object (alarm, record,
 * workload). Each producer narrows `C` to its own `as const` list (vocabulary.ts ENGINE_FINDING_CODES,
 * health/kubernetes/checks.ts, health/readiness.ts, health/audit/rules.ts).
 */
export interface Finding<C extends string = string> {
  severity: Severity;
  code: C;
  message: string;
  subject?: string;
}

/**
 * `retriedSince`: the read had failed attempts (retried in the one retry layer), the first at this
 * time; a part read only after retrying was unreadable from then on (an unwatched gap of a bake).
 */
export type Part<T> =
  { ok: true; value: T; retriedSince?: string } | { ok: false; error: string; retriedSince?: string };

export interface AlarmsObservation {
  alarms: AlarmReading[];
  /** Names and prefixes from the plan that matched nothing. */
  missing: string[];
  /** State updates since the current step's change was submitted (empty when history is off). */
  history: AlarmTransition[];
}

export interface KubernetesObservation {
  findings: Finding[];
  /** Restart count per container, keyed `namespace/pod/container`, for the bake's restart baseline. */
  restarts: Record<string, number>;
  /** Ready replicas per workload (`Kind/namespace/name`) on each side, when the plan has `capacity`. */
  capacity?: {
    green: Record<string, number>;
    blue: Part<Record<string, number>>;
    /** Green's HPAs' maxReplicas by the workload they scale. */
    hpaMax?: Record<string, number>;
  };
}

/** Another upgrade's state found beside this one (same state dir or S3 prefix), as far as it matters here. */
export interface SiblingUpgrade {
  plan: string;
  /** Where its state lives, for messages. */
  location: string;
  phase: string;
  /** The targets it has written; empty for states older than the `targets` field. */
  targets: Target[];
}

/** One metric evaluation's reading: every query of both sides over [start, end), as GetMetricData answered. */
export interface AnalysisObservation {
  /** The window's end (ISO): each metric judges [end − its window, end). */
  end: string;
  results: MetricDataResultLike[];
  /** GetMetricData calls it took (pages included). */
  calls: number;
}

export interface Observation {
  /** The plan's Route 53 record pairs. */
  traffic: Part<PairReading[]>;
  /** The plan's ALB listeners and rules; present when the plan names any. */
  listeners?: Part<ListenerReading[]>;
  /** The plan's Global Accelerator endpoint groups; present when the plan names any. */
  endpointGroups?: Part<EndpointGroupReading[]>;
  /** Targets the state has written that the current plan no longer names (read, never written by shifts). */
  formerTraffic?: Part<PairReading[]>;
  /** The same for ALB listeners and rules, and Global Accelerator endpoint groups. */
  formerListeners?: Part<ListenerReading[]>;
  formerEndpointGroups?: Part<EndpointGroupReading[]>;
  /** Other upgrades' states beside this one; read on the ticks that run preflight. */
  others?: Part<SiblingUpgrade[]>;
  alarms: Part<AlarmsObservation>;
  green: Part<ClusterReading>;
  /** Present when the plan enables Kubernetes health checks. */
  kubernetes?: Part<KubernetesObservation>;
  /** The resilience audit of green, read only when asked (preflight ticks and `plan`), never during bakes. */
  audit?: Part<Finding[]>;
  /** Findings about the tool's own configuration, given by the shell (an unset notification URL variable). */
  config?: Finding[];
  /**
   * Metric analysis, read only when the plan has `analysis` and an evaluation is due (engine/analysis.ts);
   * `splitOnly`: a converging step's read of the split's queries only (no metric is judged from it).
   */
  analysis?: Part<AnalysisObservation> & { splitOnly?: true };
  /** Green's upgrade-readiness findings (src/health/readiness.ts), read when the audit is (preflight ticks and `plan`). */
  readiness?: Part<Finding[]>;
}
