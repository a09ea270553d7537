/**
 * GitHub Actions: a Markdown summary appended to `$GITHUB_STEP_SUMMARY` by `run`, `advance` and `status`
 * (phase, weights per record pair, alarms, what happened this tick, what a person must do next), and
 * `::error` / `::warning` workflow commands for rollbacks and pauses (stdout, text mode). The builders
 * are pure; `reportToGitHub` is the only part that writes.
 */
import { appendFile } from "node:fs/promises";
import type { EventRecord, UpgradeState } from "../engine/state.ts";
import type { Observation } from "../engine/observation.ts";
import type { Verdict } from "../engine/verdict.ts";
import { WRITES_TRAFFIC, type EventType } from "../engine/vocabulary.ts";
import { nextStep } from "../notify/message.ts";
import type { CommandContext } from "./context.ts";
import { liveWeights } from "./render/text.ts";

export interface GitHubInput {
  command: "run" | "advance" | "status";
  planName: string;
  planFile: string;
  state: UpgradeState | undefined;
  observation?: Observation | undefined;
  verdict?: Verdict | undefined;
  reason: string;
  exitCode: number;
  /** Events logged by this command (none for `status`). */
  events: readonly EventRecord[];
}

export function inGitHubActions(env: NodeJS.ProcessEnv): boolean {
  return env.GITHUB_ACTIONS === "true" || Boolean(env.GITHUB_STEP_SUMMARY);
}

const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");

export function summaryMarkdown(i: GitHubInput): string {
  const s = i.state;
  const phase = s?.phase ?? "not started";
  const lines = [
    `### eks-bluegreen \`${i.command}\`: ${i.planName}`,
    "",
    `**Phase:** \`${phase}\` · **step** ${s?.step ?? 0} · **green written** ${s?.writtenGreen ?? 0}% · **exit code** ${i.exitCode}`,
    "",
    `> ${cell(i.reason)}`,
    "",
  ];
  const live = liveWeights(i.observation);
  // Read at the start of the tick: once this tick wrote weights, the written split is the true one.
  const wrote = i.events.some((e) => WRITES_TRAFFIC.has(e.type));
  if (live && live.length > 0) {
    lines.push(
      `| record pair | blue | green | green % (${wrote ? "written this tick" : "live"}) |`,
      "| --- | ---: | ---: | ---: |",
    );
    for (const w of live) {
      const g = wrote ? (s?.writtenGreen ?? 0) : w.green;
      const b = wrote ? 100 - (s?.writtenGreen ?? 0) : w.blue;
      const percent = wrote ? (s?.writtenGreen ?? 0) : w.percent;
      const pct = percent === null ? "-" : `${Math.round(percent * 10) / 10}%`;
      lines.push(`| ${cell(w.name)} | ${b ?? "missing"} | ${g ?? "missing"} | ${pct} |`);
    }
    lines.push("");
  }
  const alarms = i.observation?.alarms;
  if (alarms) {
    if (!alarms.ok) lines.push(`**Alarms:** unreadable (${cell(alarms.error)})`, "");
    else if (alarms.value.alarms.length > 0) {
      lines.push("| alarm | state |", "| --- | --- |");
      for (const a of alarms.value.alarms) {
        const icon = a.state === "ALARM" ? "🔴" : a.state === "OK" ? "🟢" : "⚪";
        lines.push(`| ${cell(a.name)} | ${icon} ${a.state} |`);
      }
      lines.push("");
    }
  }
  if (i.verdict)
    lines.push(
      `**Verdict:** ${i.verdict.kind}${i.verdict.reasons.length ? ` (${cell(i.verdict.reasons.join("; "))})` : ""}`,
      "",
    );
  if (i.events.length > 0) {
    lines.push("**This tick:**", "");
    for (const e of i.events) lines.push(`- \`#${e.seq}\` **${e.type}**: ${cell(e.message)}`);
    lines.push("");
  } else if (i.command !== "status") lines.push("**This tick:** nothing new (waiting).", "");
  const next = s ? nextStep(s, i.planFile) : undefined;
  lines.push(`**Next:** ${next ?? "nothing to do; the next tick goes on by itself."}`, "");
  return `${lines.join("\n")}\n`;
}

/** Escapes workflow command data (GitHub's rules: %, CR, LF; properties also : and ,). */
function escapeData(text: string): string {
  return text.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}
function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, "%3A").replace(/,/g, "%2C");
}

const ERRORS: ReadonlySet<EventType> = new Set<EventType>(["rollback-started", "rolled-back"]);
const WARNINGS: ReadonlySet<EventType> = new Set<EventType>([
  "paused",
  "drift",
  "drift-fight",
  "notify-failed",
]);

/** `::error` for rollbacks, `::warning` for pauses (from this tick's events, or the phase for `status`). */
export function workflowCommands(i: GitHubInput): string[] {
  const out: string[] = [];
  for (const e of i.events) {
    if (ERRORS.has(e.type))
      out.push(`::error title=${escapeProperty(`${i.planName}: ${e.type}`)}::${escapeData(e.message)}`);
    else if (WARNINGS.has(e.type))
      out.push(`::warning title=${escapeProperty(`${i.planName}: ${e.type}`)}::${escapeData(e.message)}`);
  }
  if (out.length === 0 && i.state) {
    const title = escapeProperty(`${i.planName}: ${i.state.phase}`);
    if (i.state.phase === "rolled-back" || i.state.phase === "rolling-back")
      out.push(`::error title=${title}::${escapeData(i.reason)}`);
    else if (i.state.phase === "paused") out.push(`::warning title=${title}::${escapeData(i.reason)}`);
  }
  return out;
}

/** Appends the summary and prints the workflow commands, when running in GitHub Actions. Never fails the command. */
export async function reportToGitHub(ctx: CommandContext, input: GitHubInput): Promise<void> {
  if (!inGitHubActions(ctx.env)) return;
  if (ctx.output === "text") for (const line of workflowCommands(input)) ctx.out.print(line);
  // The step's outputs (action.yml exposes `phase`); later commands in the same step overwrite it.
  const outputs = ctx.env.GITHUB_OUTPUT;
  if (outputs && input.command !== "status") {
    await appendFile(outputs, `phase=${input.state?.phase ?? "pending"}\n`).catch(() => {});
  }
  const file = ctx.env.GITHUB_STEP_SUMMARY;
  if (!file) return;
  try {
    await appendFile(file, summaryMarkdown(input));
  } catch (error) {
    ctx.out.warn(
      "github-summary-failed",
      `Could not append to GITHUB_STEP_SUMMARY (${(error as Error).message}); the upgrade is unaffected.`,
    );
  }
}
