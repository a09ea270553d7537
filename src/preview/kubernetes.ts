/**
 * Green's Kubernetes health and resilience audit in a few numbers, for `plan` and `status`: whether the
 * API answered, how many error and warning findings the health checks gave, and the audit's counts.
 * The findings themselves are listed with the others; this says at a glance where green stands.
 */
import type { CompiledPlan } from "../plan/compile.ts";
import type { Finding, Observation, Part } from "../engine/observation.ts";

export interface CountedFindings {
  /** read: the part answered; unreadable: it did not (see `error`); not-read: it was not asked for. */
  state: "read" | "unreadable" | "not-read";
  error?: string;
  errors: number;
  warnings: number;
  infos: number;
  /** Audit findings the plan's `health.audit.block` (or their own severity) makes stop the upgrade. */
  blocking: number;
  findings: Finding[];
}

export interface KubernetesSummary {
  health: CountedFindings;
  audit: CountedFindings;
}

function counted(part: Part<Finding[]> | undefined): CountedFindings {
  if (!part) return { state: "not-read", errors: 0, warnings: 0, infos: 0, blocking: 0, findings: [] };
  if (!part.ok) {
    return {
      state: "unreadable",
      error: part.error,
      errors: 0,
      warnings: 0,
      infos: 0,
      blocking: 0,
      findings: [],
    };
  }
  const of = (s: Finding["severity"]) => part.value.filter((f) => f.severity === s).length;
  return {
    state: "read",
    errors: of("error"),
    warnings: of("warning"),
    infos: of("info"),
    blocking: part.value.filter((f) => (f as { blocking?: boolean }).blocking === true).length,
    findings: part.value,
  };
}

/** undefined when the plan does not enable `health.kubernetes`. */
export function kubernetesSummary(
  plan: CompiledPlan,
  observation: Observation | undefined,
): KubernetesSummary | undefined {
  if (!plan.doc.health?.kubernetes?.enabled) return undefined;
  const k = observation?.kubernetes;
  const health: Part<Finding[]> | undefined = k
    ? k.ok
      ? { ok: true, value: k.value.findings }
      : k
    : undefined;
  return { health: counted(health), audit: counted(observation?.audit) };
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** One line on green's Kubernetes health, e.g. `healthy` or `unhealthy: 2 errors, 1 warning`. */
export function healthLine(
  h: Omit<CountedFindings, "findings">,
  why = "green is not ACTIVE or was not read",
): string {
  if (h.state === "not-read") return `not read (${why})`;
  if (h.state === "unreadable") return `unreadable: ${h.error ?? "no answer"}`;
  if (h.errors === 0) return h.warnings === 0 ? "healthy" : `healthy, ${plural(h.warnings, "warning")}`;
  return `unhealthy: ${plural(h.errors, "error")}, ${plural(h.warnings, "warning")}`;
}

/** One line on the audit, e.g. `1 error (1 blocking), 5 warnings, 1 info`. */
export function auditLine(a: Omit<CountedFindings, "findings">, why = "not asked for"): string {
  if (a.state === "not-read") return `not run (${why})`;
  if (a.state === "unreadable") return `unreadable: ${a.error ?? "no answer"}`;
  const blocking = a.blocking > 0 ? ` (${a.blocking} blocking)` : "";
  return `${plural(a.errors, "error")}${blocking}, ${plural(a.warnings, "warning")}, ${a.infos} info`;
}
