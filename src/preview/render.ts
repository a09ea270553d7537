/** The preview as people read it: aligned tables, durations as `1h30m`, findings errors first. */
import { renderTargetRequests } from "./target-requests.ts";
import { renderCapacity } from "./capacity.ts";
import type { Change } from "@aws-sdk/client-route-53";
import { formatDuration } from "../plan/duration.ts";
import type { Preview } from "./preview.ts";
import type { StepBatches } from "./batches.ts";
import { table } from "./table.ts";
import { auditLine, healthLine } from "./kubernetes.ts";

/** Changes shown per step in text; `--output json` always carries all of them. */
export const MAX_TEXT_CHANGES = 24;

const at = (seconds: number) => `T+${formatDuration(seconds * 1000)}`;
const duration = (seconds: number) => formatDuration(seconds * 1000);

function timelineSection(p: Preview): string {
  const rows = [
    ["0", "100%", "0%", "-", "-", "T+0s", "before the first shift"],
    ...p.timeline.map((r) => [
      String(r.step),
      `${r.blue}%`,
      `${r.green}%`,
      duration(r.bakeSeconds),
      r.approval ? "approval" : "-",
      at(r.startsAtSeconds),
      r.step === p.timeline.length ? `bake ends ${at(r.bakedAtSeconds)}` : "",
    ]),
  ];
  const retire = p.retire;
  const retireLine =
    retire.mode === "keep"
      ? `Blue is kept (retire mode keep).`
      : `Retire blue (${retire.mode}${retire.approval ? ", after approval" : ""}) once green has held 100% for ${duration(retire.afterSeconds)}: earliest ${at(retire.earliestSeconds)}.`;
  const lines = [
    "Timeline (earliest times assume instant approvals, Route 53 INSYNC at once and open change windows)",
    table(["STEP", "BLUE", "GREEN", "BAKE", "GATE", "EARLIEST", ""], rows, [0, 1, 2]),
    "",
    `All traffic on green and baked: earliest ${at(p.completeAtSeconds)}. ${retireLine}`,
  ];
  if (p.changeWindows.length > 0) {
    const windows = p.changeWindows.map((w) => `${w.days.join(",")} ${w.start}-${w.end} ${w.timeZone}`);
    lines.push(
      `Change windows: ${windows.join("; ")}. Steps move forward only inside them; rollback is never held.`,
    );
  }
  return lines.join("\n");
}

function recordValue(change: Change): string {
  const r = change.ResourceRecordSet as unknown as Record<string, unknown> | undefined;
  if (!r) return "";
  if (typeof r.ResourceRecords === "string") return r.ResourceRecords;
  const alias = r.AliasTarget as { DNSName?: string } | undefined;
  if (alias) return `alias ${alias.DNSName ?? ""}`;
  const values = (r.ResourceRecords as { Value?: string }[] | undefined) ?? [];
  const shown = values.slice(0, 2).map((v) => v.Value ?? "");
  return shown.join(" ") + (values.length > 2 ? ` (+${values.length - 2})` : "");
}

function stepBatchesSection(step: StepBatches): string {
  const rows: string[][] = [];
  let total = 0;
  for (const batch of step.batches) {
    for (const change of batch.changes) {
      total++;
      if (rows.length >= MAX_TEXT_CHANGES) continue;
      const r = change.ResourceRecordSet as unknown as Record<string, unknown>;
      rows.push([
        batch.zoneId,
        `${batch.part}/${batch.parts}`,
        String(change.Action),
        String(r.Name ?? ""),
        String(r.Type ?? ""),
        String(r.SetIdentifier ?? ""),
        String(r.Weight ?? ""),
        r.TTL === undefined ? "-" : String(r.TTL),
        recordValue(change),
      ]);
    }
  }
  const head = `Step ${step.step}: blue ${step.blue}, green ${step.green} (${step.batches.length} batch${step.batches.length === 1 ? "" : "es"}, ${total} change${total === 1 ? "" : "s"})`;
  if (rows.length === 0) return `${head}: none can be built`;
  const more =
    total > rows.length ? `\n  … and ${total - rows.length} more changes (--output json lists them all)` : "";
  const body = table(["ZONE", "BATCH", "ACTION", "NAME", "TYPE", "SET", "WEIGHT", "TTL", "VALUE"], rows, [6]);
  return `${head}\n${body.replace(/^/gm, "  ")}${more}`;
}

function batchesSection(p: Preview): string {
  const title = p.changeBatches.exact
    ? "Route 53 change batches (exact: built from the live records)"
    : "Route 53 change batches (from the plan)";
  const note = p.changeBatches.note ? `\n${p.changeBatches.note}.` : "";
  return `${title}${note}\n\n${p.changeBatches.steps.map(stepBatchesSection).join("\n\n")}`;
}

function detectionSection(p: Preview): string {
  const d = p.detection;
  const lines = [
    d.worstCaseSeconds === null
      ? "Worst-case time to detect a regression: never (no alarms are watched)"
      : `Worst-case time to detect a regression: ${duration(d.worstCaseSeconds)}, then ${d.reaction === "rollback" ? "automatic rollback to blue" : "pause for a person"}`,
  ];
  if (d.worstCaseSeconds !== null) {
    lines.push(`  counted: ${d.counted.map((c) => `${c.what} ${duration(c.seconds)}`).join(" + ")}`);
  }
  if (d.analysis) {
    lines.push(
      `  metric gates: ${duration(d.analysis.worstCaseSeconds)} (${d.analysis.counted.map((c) => `${c.what} ${duration(c.seconds)}`).join(" + ")})`,
    );
  }
  lines.push(`  not counted: ${d.notCounted.join("; ")}`);
  return lines.join("\n");
}

function analysisSection(p: Preview): string | undefined {
  const settings = p.analysisSettings;
  if (!settings) return undefined;
  const a = { ...settings, metrics: p.analysis };
  const lines = [
    `Metric analysis (every ${a.interval} during a bake; --output json has the exact MetricDataQueries)`,
  ];
  for (const row of p.timeline) {
    const gates = a.metrics.filter((m) => m.steps.includes(row.step)).map((m) => m.name);
    lines.push(
      `  step ${row.step} (${row.green}% green): ${gates.length ? gates.join(", ") : "no metric gates"}${a.split ? "; bake starts once the observed split converges" : ""}`,
    );
  }
  for (const m of a.metrics) {
    const how = [
      m.judges.threshold ? "threshold" : "",
      m.judges.compare ? "green vs blue" : "",
      m.judges.test ?? "",
    ]
      .filter(Boolean)
      .join(" + ");
    const last = m.latest
      ? `; latest: green ${m.latest.green.value ?? "no data"}, blue ${m.latest.blue.value ?? "no data"}`
      : "";
    const q = (qs: { Id: string; MetricStat?: { Metric: { MetricName: string } }; Expression?: string }[]) =>
      qs.map((x) => `${x.Id}=${x.MetricStat ? x.MetricStat.Metric.MetricName : x.Expression}`).join(", ");
    lines.push(`  ${m.name}: ${how}${last}`);
    lines.push(`    blue:  ${q(m.queries.blue)}`);
    lines.push(`    green: ${q(m.queries.green)}`);
  }
  if (a.split) lines.push(`  observed split: tolerance ${a.split.tolerance}`);
  return lines.join("\n");
}

function kubernetesSection(p: Preview): string | undefined {
  if (!p.kubernetes) return undefined;
  const offline = p.mode === "offline" ? "offline" : undefined;
  return [
    `Green's Kubernetes health: ${healthLine(p.kubernetes.health, offline)}`,
    `Resilience audit of green: ${auditLine(p.kubernetes.audit, offline ?? "green is not ACTIVE or was not read")}`,
  ].join("\n");
}

function findingsSection(p: Preview): string {
  const rows = p.findings.map((f) => [f.severity, f.code, f.message]);
  const { errors, warnings, infos } = p.summary;
  const counts = `${errors} error${errors === 1 ? "" : "s"}, ${warnings} warning${warnings === 1 ? "" : "s"}, ${infos} info`;
  return `Findings (${counts})\n${rows.length ? table(["SEVERITY", "CODE", "MESSAGE"], rows).replace(/^/gm, "  ") : "  none"}`;
}

export function renderPreview(p: Preview): string {
  const head = `Plan ${p.plan.name} (${p.plan.file}): ${p.mode === "live" ? "live preview, read-only" : "offline preview"}`;
  const verdict =
    p.summary.errors > 0
      ? "Preflight has errors: the upgrade would not start (exit 4)."
      : "No errors: the upgrade can start.";
  return [
    head,
    timelineSection(p),
    p.changeBatches.steps.some((s) => s.batches.length > 0) || p.targetRequests === null
      ? batchesSection(p)
      : undefined,
    p.targetRequests ? renderTargetRequests(p.targetRequests) : undefined,
    detectionSection(p),
    analysisSection(p),
    kubernetesSection(p),
    renderCapacity(p.capacity),
    findingsSection(p),
    verdict,
  ]
    .filter((s) => s !== undefined)
    .join("\n\n");
}
