/**
 * The Kubernetes part of `status`: green's health in one line with its failing findings beneath, and
 * the resilience audit's counts with the findings that matter (errors and warnings). JSON carries all.
 */
import type { CompiledPlan } from "../../plan/compile.ts";
import type { Finding, Observation } from "../../engine/observation.ts";
import { auditLine, healthLine, kubernetesSummary } from "../../preview/kubernetes.ts";

/** Findings listed under a line in text; `--output json` lists them all. */
const MAX_LINES = 10;

function listed(findings: readonly Finding[]): string[] {
  const shown = findings.filter((f) => f.severity !== "info");
  const lines = shown.slice(0, MAX_LINES).map((f) => `    ${f.severity.padEnd(7)}  ${f.code}  ${f.message}`);
  if (shown.length > MAX_LINES)
    lines.push(`    … and ${shown.length - MAX_LINES} more (--output json lists them all)`);
  return lines;
}

export function statusKubernetesJson(plan: CompiledPlan, observation: Observation | undefined) {
  const k = kubernetesSummary(plan, observation);
  if (!k) return { kubernetes: null, audit: null };
  return { kubernetes: k.health, audit: k.audit };
}

export function statusKubernetesText(plan: CompiledPlan, observation: Observation | undefined): string[] {
  const k = kubernetesSummary(plan, observation);
  if (!k) return [];
  return [
    `  k8s      ${healthLine(k.health)}`,
    ...listed(k.health.findings),
    `  audit    ${auditLine(k.audit, "green is not ACTIVE or was not read")}`,
    ...listed(k.audit.findings),
  ];
}
