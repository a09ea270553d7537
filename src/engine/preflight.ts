/**
 * Preflight: what must hold before the first shift, judged from one Observation. Pure rules; the first
 * tick and `plan` both use them. Errors stop the upgrade before it starts (exit 4).
 */
import type { ClusterReading, PairReading, HealthIssue } from "./ports.ts";
import type { CompiledPlan } from "../plan/compile.ts";
import { endpointGroupFindings, listenerArnFindings, listenerFindings } from "./preflight-targets.ts";
import { liveGreenPercent } from "./weights.ts";
import type { AlarmsObservation, Finding, Observation } from "./observation.ts";
import type { EngineFinding, EngineFindingCode } from "./vocabulary.ts";
import { conflictingUpgrades, targetLabels } from "./targets.ts";
import { capacityPreflight } from "./capacity.ts";

function describeIssues(issues: readonly HealthIssue[]): string {
  return issues.map((i) => `${i.code}: ${i.message}`).join("; ");
}

function pairLabel(r: PairReading): string {
  return `${r.pair.name} ${r.pair.type} (${r.pair.blue}/${r.pair.green})`;
}

function formatPercent(p: number): string {
  return Number.isInteger(p) ? `${p}%` : `${p.toFixed(1)}%`;
}

function clusterFindings(plan: CompiledPlan, cluster: ClusterReading): EngineFinding[] {
  const want = plan.doc.clusters.green;
  const subject = `cluster/${want.name}`;
  if (!cluster.exists) {
    return [
      {
        severity: "error",
        code: "green-cluster-missing",
        message: `Green cluster ${want.name} does not exist.`,
        subject,
      },
    ];
  }
  const findings: EngineFinding[] = [];
  if (cluster.status !== "ACTIVE") {
    findings.push({
      severity: "error",
      code: "green-not-active",
      message: `Green cluster ${want.name} is ${cluster.status ?? "in an unknown state"}, not ACTIVE.`,
      subject,
    });
  }
  if (cluster.version !== want.kubernetesVersion) {
    findings.push({
      severity: "error",
      code: "green-wrong-version",
      message: `Green cluster ${want.name} runs Kubernetes ${cluster.version ?? "(unknown)"}, the plan expects ${want.kubernetesVersion}.`,
      subject,
    });
  }
  if (cluster.issues.length > 0) {
    findings.push({
      severity: "error",
      code: "green-cluster-issues",
      message: `Green cluster ${want.name} reports health issues: ${describeIssues(cluster.issues)}.`,
      subject,
    });
  }
  findings.push(
    ...componentFindings("nodegroup", want.nodegroups, cluster.nodegroups),
    ...componentFindings("addon", want.addons, cluster.addons),
  );
  for (const insight of cluster.insights ?? []) {
    if (insight.status === "ERROR" || insight.status === "WARNING") {
      findings.push({
        severity: insight.status === "ERROR" ? "error" : "warning",
        code: insight.status === "ERROR" ? "insight-error" : "insight-warning",
        message: `Upgrade insight "${insight.name}" is ${insight.status}: ${insight.reason}`,
        subject: `insight/${insight.id}`,
      });
    }
  }
  if (findings.every((f) => f.severity !== "error")) {
    findings.push({
      severity: "info",
      code: "green-ready",
      message: `Green cluster ${want.name} is ACTIVE at Kubernetes ${cluster.version}.`,
      subject,
    });
  }
  return findings;
}

/** Node groups or add-ons: those the plan lists (each must exist), or all of them. */
function componentFindings(
  kind: "nodegroup" | "addon",
  listed: readonly string[] | undefined,
  readings: readonly { name: string; status: string; issues: HealthIssue[] }[],
): EngineFinding[] {
  const label = kind === "nodegroup" ? "Node group" : "Add-on";
  const findings: EngineFinding[] = [];
  const names = listed ?? readings.map((r) => r.name);
  for (const name of names) {
    const reading = readings.find((r) => r.name === name);
    if (!reading) {
      findings.push({
        severity: "error",
        code: `${kind}-missing`,
        message: `${label} ${name} does not exist on green.`,
        subject: `${kind}/${name}`,
      });
    } else if (reading.status !== "ACTIVE" || reading.issues.length > 0) {
      const issues = reading.issues.length ? `: ${describeIssues(reading.issues)}` : "";
      findings.push({
        severity: "error",
        code: `${kind}-unhealthy`,
        message: `${label} ${name} is ${reading.status}${issues}.`,
        subject: `${kind}/${name}`,
      });
    }
  }
  return findings;
}

function trafficFindings(
  plan: CompiledPlan,
  readings: readonly PairReading[],
  options: PreflightOptions,
): EngineFinding[] {
  const findings: EngineFinding[] = [];
  const firstGreen = plan.steps[0]?.green ?? 0;
  const shortestBake = Math.min(...plan.steps.map((s) => s.bakeMs)) / 1000;
  for (const r of readings) {
    const subject = `record/${r.pair.name}/${r.pair.type}`;
    if (r.zoneId === undefined) {
      findings.push({
        severity: "error",
        code: "zone-not-found",
        message: `Hosted zone ${r.pair.zoneId ?? r.pair.zoneName} of ${r.pair.name} was not found${r.pair.zoneName ? " (or more than one zone has that name)" : ""}.`,
        subject,
      });
      continue;
    }
    const missing = [r.blue ? undefined : r.pair.blue, r.green ? undefined : r.pair.green].filter(Boolean);
    if (missing.length > 0) {
      findings.push({
        severity: "error",
        code: "record-missing",
        message: `Weighted record ${r.pair.name} ${r.pair.type} with set identifier ${missing.map((m) => `"${m}"`).join(" and ")} not found in zone ${r.zoneId}.`,
        subject,
      });
      continue;
    }
    const blueWeight = r.blue!.Weight;
    const greenWeight = r.green!.Weight;
    const percent = liveGreenPercent(blueWeight, greenWeight);
    if (blueWeight === undefined || greenWeight === undefined) {
      findings.push({
        severity: "error",
        code: "record-not-weighted",
        message: `${pairLabel(r)} is not a weighted record pair.`,
        subject,
      });
      continue;
    }
    if (percent === undefined) {
      findings.push({
        severity: "warning",
        code: "weights-all-zero",
        message: `${pairLabel(r)} has both weights at 0, so Route 53 splits its traffic evenly; step 1 sets green to ${firstGreen}%.`,
        subject,
      });
    } else if (greenWeight === 0) {
      findings.push({
        severity: "info",
        code: "record-found",
        message: `${pairLabel(r)}: all on blue (green 0%).`,
        subject,
      });
    } else {
      // Before the first shift only "all on blue" is the expected start (DESIGN.md, "Weights"): anything
      // else is another upgrade or a hand edit, which the first shift would overwrite. Only an explicit
      // --adopt-live starts from it.
      findings.push({
        severity: options.adoptLive ? "warning" : "error",
        code: "weights-not-all-blue",
        message: options.adoptLive
          ? `${pairLabel(r)}: green already receives ${formatPercent(percent)} (weights blue ${blueWeight}, green ${greenWeight}); --adopt-live starts from it.`
          : `${pairLabel(r)}: green already receives ${formatPercent(percent)} (weights blue ${blueWeight}, green ${greenWeight}); an upgrade starts only from all-blue (green 0), or from the live weights with --adopt-live.`,
        subject,
      });
    }
    if (r.others.length > 0) {
      findings.push({
        severity: "warning",
        code: "other-weighted-records",
        message: `${r.pair.name} ${r.pair.type} has ${r.others.length} other weighted record(s) (${r.others.map((o) => o.SetIdentifier).join(", ")}) that also take traffic.`,
        subject,
      });
    }
    const ttl = Math.max(r.blue!.TTL ?? 0, r.green!.TTL ?? 0);
    if (ttl > shortestBake) {
      findings.push({
        severity: "warning",
        code: "bake-shorter-than-ttl",
        message: `A bake of ${shortestBake}s is shorter than the TTL of ${r.pair.name} (${ttl}s): clients may still resolve the old answer when the bake ends.`,
        subject,
      });
    }
  }
  return findings;
}

function alarmFindings(plan: CompiledPlan, seen: AlarmsObservation): EngineFinding[] {
  const findings: EngineFinding[] = [];
  for (const name of seen.missing) {
    const prefix = plan.doc.alarms.prefixes.includes(name) && !plan.doc.alarms.names.includes(name);
    findings.push({
      severity: "error",
      code: "alarm-missing",
      message: prefix ? `No alarm name starts with "${name}".` : `Alarm "${name}" does not exist.`,
      subject: `alarm/${name}`,
    });
  }
  const policy = plan.doc.alarms.insufficientData;
  for (const alarm of seen.alarms) {
    if (alarm.state === "ALARM") {
      findings.push({
        severity: "error",
        code: "alarm-firing",
        message: `Alarm "${alarm.name}" is already in ALARM: ${alarm.reason}`,
        subject: `alarm/${alarm.name}`,
      });
    } else if (alarm.state === "INSUFFICIENT_DATA" && policy !== "ignore") {
      findings.push({
        severity: policy === "fail" ? "error" : "warning",
        code: "alarm-insufficient-data",
        message: `Alarm "${alarm.name}" has INSUFFICIENT_DATA; the plan says ${policy}.`,
        subject: `alarm/${alarm.name}`,
      });
    }
  }
  for (const t of seen.history) {
    if (t.to === "ALARM") {
      findings.push({
        severity: "warning",
        code: "alarm-recently-fired",
        message: `Alarm "${t.name}" went to ALARM at ${t.at}: ${t.summary}`,
        subject: `alarm/${t.name}`,
      });
    }
  }
  const ok = seen.alarms.filter((a) => a.state === "OK").length;
  if (seen.alarms.length > 0) {
    findings.push({
      severity: "info",
      code: "alarms-found",
      message: `${seen.alarms.length} alarm(s) watched, ${ok} OK.`,
    });
  }
  return findings;
}

function unreadable(code: EngineFindingCode, what: string, error: string): EngineFinding {
  return { severity: "error", code, message: `Could not read ${what}: ${error}` };
}

export interface PreflightOptions {
  /** `--adopt-live`: live weights that are not all-blue are a warning (the start adopts them), not an error. */
  adoptLive?: boolean;
}

/** Another upgrade, not finished, that has written one of this plan's targets: two writers would fight. */
function otherUpgradeFindings(plan: CompiledPlan, others: Observation["others"]): EngineFinding[] {
  if (!others) return [];
  if (!others.ok) {
    return [
      unreadable("other-upgrades-unreadable", "the other upgrades' states beside this one", others.error),
    ];
  }
  return conflictingUpgrades(plan, others.value).map(({ other, shared }) => ({
    severity: "error",
    code: "target-in-other-upgrade",
    message: `The upgrade "${other.plan}" (${other.phase}, state ${other.location}) also shifts ${targetLabels(shared)}; two upgrades must never move the same records.`,
    subject: `upgrade/${other.plan}`,
  }));
}

export function preflight(
  plan: CompiledPlan,
  observation: Observation,
  options: PreflightOptions = {},
): Finding[] {
  const findings: Finding[] = [];
  const { green, traffic, alarms, kubernetes } = observation;
  findings.push(
    ...(green.ok
      ? clusterFindings(plan, green.value)
      : [unreadable("green-unreadable", "green's cluster", green.error)]),
    ...(traffic.ok
      ? trafficFindings(plan, traffic.value, options)
      : [unreadable("traffic-unreadable", "the Route 53 records", traffic.error)]),
    ...listenerArnFindings(plan),
    ...(observation.listeners === undefined
      ? []
      : observation.listeners.ok
        ? listenerFindings(observation.listeners.value, options)
        : [unreadable("listeners-unreadable", "the ALB listeners", observation.listeners.error)]),
    ...(observation.endpointGroups === undefined
      ? []
      : observation.endpointGroups.ok
        ? endpointGroupFindings(observation.endpointGroups.value, options)
        : [
            unreadable(
              "endpoint-groups-unreadable",
              "the Global Accelerator endpoint groups",
              observation.endpointGroups.error,
            ),
          ]),
    ...otherUpgradeFindings(plan, observation.others),
    ...(alarms.ok
      ? alarmFindings(plan, alarms.value)
      : [unreadable("alarms-unreadable", "the CloudWatch alarms", alarms.error)]),
  );
  if (kubernetes) {
    findings.push(
      ...(kubernetes.ok
        ? kubernetes.value.findings
        : [unreadable("kubernetes-unreadable", "green's Kubernetes API", kubernetes.error)]),
    );
  }
  if (observation.audit) findings.push(...auditFindings(observation.audit, findings));
  findings.push(...(observation.config ?? []));
  findings.push(...capacityPreflight(plan, observation));
  if (observation.readiness) {
    findings.push(
      ...(observation.readiness.ok
        ? observation.readiness.value
        : [
            {
              severity: "warning" as const,
              code: "readiness-unreadable",
              message: `Could not run the readiness checks of green: ${observation.readiness.error}`,
            },
          ]),
    );
  }
  return findings;
}

/**
 * The resilience audit among the preflight findings, each with its own severity: the codes the plan's
 * `health.audit.block` lists arrive as errors (the audit marks them), so they stop the upgrade. An EKS
 * insight the cluster checks already reported at the same severity is not repeated.
 */
function auditFindings(audit: NonNullable<Observation["audit"]>, already: readonly Finding[]): Finding[] {
  if (!audit.ok) {
    return [
      {
        severity: "error",
        code: "audit-unreadable",
        message: `Could not run the resilience audit of green: ${audit.error}`,
      },
    ];
  }
  return audit.value.filter(
    (f) =>
      f.code !== "eks-insight" || !already.some((a) => a.subject === f.subject && a.severity === f.severity),
  );
}
