/**
 * What `run` shows while it works. On a terminal: a block redrawn in place (phase, step, weights with a
 * bar, bake countdown, the next step and its earliest time, a hold, alarm states, the observed split,
 * each metric's last verdict, how to approve from another shell, reason) with events scrolling above
 * it. Otherwise: plain timestamped lines, one per event and one per change of situation (phase, step,
 * hold, gap, approvals, verdicts: fields of the state, never the reason's words), fit for CI logs.
 */
import type { Output } from "../context.ts";
import type { CompiledPlan } from "../../plan/compile.ts";
import type { Observation } from "../../engine/observation.ts";
import type { EventRecord, UpgradeState } from "../../engine/state.ts";
import { bakeEndsAt } from "../../engine/watch.ts";
import { alarmsLine, clock, eventLine, weightsSummary } from "./text.ts";
import { statusAnalysisJson } from "./status-analysis.ts";
import { nextMove, type NextMove, type NextWait } from "./next-move.ts";
import { splitWords } from "../../engine/split.ts";

const ESC = "\u001b[";
const color = (code: number, text: string, on: boolean) => (on ? `${ESC}${code}m${text}${ESC}0m` : text);

function bar(green: number, width = 30, ansi = true): string {
  const g = Math.round((green / 100) * width);
  return color(34, "█".repeat(width - g), ansi) + color(32, "█".repeat(g), ansi);
}

export class LiveView {
  private drawn = 0;
  private state: UpgradeState | undefined;
  private observation: Observation | undefined;
  private reason = "";
  private lastSituation = "";
  private lastEvent = "";

  constructor(
    private readonly out: Output,
    private readonly plan: CompiledPlan,
    private readonly now: () => Date,
    private readonly tty = out.isTTY,
  ) {}

  event(e: EventRecord): void {
    this.lastEvent = e.message;
    this.clear();
    this.out.print(this.tty ? `${color(2, clock(e.at), true)} ${e.message}` : eventLine(e));
    this.draw();
  }

  /** A note that is not an event (progress, retries, hints). */
  note(text: string): void {
    this.clear();
    this.out.print(`${clock(this.now())} ${text}`);
    this.draw();
  }

  update(state: UpgradeState | undefined, observation: Observation | undefined, reason: string): void {
    this.state = state;
    this.observation = observation ?? this.observation;
    this.reason = reason;
    if (!this.tty) {
      // A countdown in the reason is no change: only the situation's fields decide.
      const now = situation(state, this.observation, reason);
      if (now !== this.lastSituation && reason !== this.lastEvent)
        this.out.print(`${clock(this.now())} ${reason}`);
      this.lastSituation = now;
      return;
    }
    this.clear();
    this.draw();
  }

  /** Redraws the countdown (called every second between ticks). */
  refresh(): void {
    if (!this.tty) return;
    this.clear();
    this.draw();
  }

  stop(): void {
    this.drawn = 0;
  }

  private clear(): void {
    if (this.tty && this.drawn > 0) this.out.print(`${ESC}${this.drawn}A${ESC}0J`.trimEnd() + `${ESC}1A`);
    this.drawn = 0;
  }

  private lines(): string[] {
    const s = this.state;
    // What the tool wrote; the observation was taken before this tick's shift. Live only when paused (drift).
    const w =
      s && s.phase !== "paused"
        ? { blue: 100 - s.writtenGreen, green: s.writtenGreen }
        : weightsSummary(s, this.observation);
    const step = s ? this.plan.steps[s.step - 1] : undefined;
    const lines = [
      `${color(1, `eks-bluegreen run ${this.plan.name}`, true)}  ${s?.phase ?? "pending"}`,
      `  step     ${s?.step ?? 0}/${this.plan.steps.length}${step ? ` (${step.green}% green)` : ""}`,
      "mixed" in w && w.mixed
        ? "  weights  mixed: the pairs differ (`eks-bluegreen status` lists them)"
        : `  weights  blue ${String(w.blue).padStart(3)}% ${bar(w.green)} green ${w.green}%`,
    ];
    if (s?.phase === "baking" && s.bakeStartedAt && step) {
      // The bake's end moves on by unwatched time, and is unknown while a part is unreadable.
      const ends = bakeEndsAt(s, this.plan);
      const total = Math.round((step.bakeMs + (s.bakeUnwatchedMs ?? 0)) / 1000);
      const left = ends === undefined ? undefined : Math.max(0, ends - this.now().getTime());
      lines.push(
        left === undefined
          ? `  bake     on hold (unreadable) of ${total}s`
          : `  bake     ${Math.ceil(left / 1000)}s left of ${total}s`,
      );
    }
    const next = s ? nextMove(this.plan, s, this.now()) : undefined;
    if (next) lines.push(`  next     ${nextWords(next, this.plan, this.now())}`);
    if (next?.hold) {
      const timeout = `rollback.onHoldTimeout (${this.plan.doc.rollback.onHoldTimeout})`;
      lines.push(
        `  hold     since ${clock(next.hold.since)} (no clear verdict); ${timeout} at ${clock(next.hold.timeoutAt)}${inWords(next.hold.timeoutAt, this.now())}`,
      );
    }
    lines.push(`  alarms   ${alarmsLine(this.observation)}`);
    lines.push(...analysisLines(this.plan, s));
    if (next?.gate) lines.push(`  approve  ${approveWords(next, this.plan)}`);
    lines.push(`  ${this.reason}`);
    return lines;
  }

  private draw(): void {
    if (!this.tty || (!this.state && !this.reason)) return;
    const lines = this.lines();
    this.out.print(lines.join("\n"));
    this.drawn = lines.length;
  }
}

/** " (in 1m30s)", or "" once the time has come. */
function inWords(at: Date, now: Date): string {
  const secs = Math.ceil((at.getTime() - now.getTime()) / 1000);
  if (secs <= 0) return "";
  if (secs < 120) return ` (in ${secs}s)`;
  const mins = Math.floor(secs / 60);
  if (mins < 120) return ` (in ${mins}m${String(secs % 60).padStart(2, "0")}s)`;
  return ` (in ${Math.floor(mins / 60)}h${String(mins % 60).padStart(2, "0")}m)`;
}

const WAIT_WORDS: Record<NextWait, (plan: CompiledPlan, next: NextMove) => string> = {
  insync: () => "once Route 53 reports INSYNC and the step has baked",
  split: (plan, next) => {
    const bake = plan.steps[(next.step ?? plan.steps.length + 1) - 2]?.bakeMs;
    return `once the observed split converges${bake === undefined ? "" : ` and then the ${Math.round(bake / 1000)}s bake ends`}`;
  },
  unreadable: () => "once the bake can be watched again (a part is unreadable)",
  hold: () => "once the hold clears",
  approval: () => "after approval",
  "change-window": () => "when the change window opens",
  "no-change-window": () => "no change window opens within 8 days",
};

/** `step 3 (100% green), earliest 2026-03-02 10:01:30Z (in 60s), after approval`. */
function nextWords(next: NextMove, plan: CompiledPlan, now: Date): string {
  const when = next.earliest
    ? next.earliest.getTime() <= now.getTime()
      ? ", now"
      : `, earliest ${clock(next.earliest)}${inWords(next.earliest, now)}`
    : "";
  const waits = next.waits.map((w) => WAIT_WORDS[w](plan, next));
  return `${next.label}${when}${waits.length > 0 ? `, ${waits.join(", ")}` : ""}`;
}

/** The exact commands to approve (or go back) from another shell. */
function approveWords(next: NextMove, plan: CompiledPlan): string {
  const approve = `eks-bluegreen approve ${plan.file}`;
  if (next.atGate) return `from another shell: ${approve}   (or: eks-bluegreen rollback ${plan.file})`;
  return `${next.label} needs approval; give it ahead from another shell: ${approve}`;
}

/** The observed split (converging or converged) and each metric's last verdict, with its count against its limit. */
function analysisLines(plan: CompiledPlan, s: UpgradeState | undefined): string[] {
  const j = statusAnalysisJson(plan, s);
  const lines: string[] = [];
  const split = j.observedSplit;
  if (split) {
    const where = split.converged ? "converged" : s?.phase === "baking" ? "converging" : "";
    lines.push(`  split    ${splitWords(split)} (±${split.tolerance} points)${where ? `, ${where}` : ""}`);
  }
  const v = (x: number | null) => (x === null ? "no data" : Number(x.toPrecision(3)).toString());
  const metrics = plan.doc.analysis?.metrics ?? [];
  for (const m of j.analysis) {
    const doc = metrics.find((d) => d.name === m.name);
    const limit =
      m.verdict === "fail"
        ? doc?.failureLimit
        : m.verdict === "inconclusive"
          ? doc?.inconclusiveLimit
          : undefined;
    const count = m.verdict === "pass" || m.verdict === "error" ? undefined : m.counts?.[m.verdict];
    const counted =
      count !== undefined && limit !== undefined ? `; ${count} ${m.verdict} this step (limit ${limit})` : "";
    lines.push(
      `  metric   ${m.name}: ${m.verdict} (${m.reason}), green ${v(m.green)}, blue ${v(m.blue)}${counted}`,
    );
  }
  return lines;
}

/**
 * What the plain output tracks to tell a change from a countdown: the state's fields (phase, step,
 * weights written, intent, bake, hold, gap, pause, approvals, the split's convergence, each metric's
 * verdict) and the alarms' states. Without a state (a refused tick), the reason itself.
 */
function situation(state: UpgradeState | undefined, obs: Observation | undefined, reason: string): string {
  if (!state) return `no-state:${reason}`;
  const a = state.analysis;
  return JSON.stringify([
    state.phase,
    state.step,
    state.writtenGreen,
    state.intent?.action ?? null,
    state.bakeStartedAt ?? null,
    state.bakeCompletedAt ?? null,
    state.bakeUnwatchedMs ?? 0,
    state.holdSince ?? null,
    state.unreadable?.since ?? null,
    state.pause?.code ?? null,
    state.fullSince ?? null,
    state.approvals.map((x) => `${x.gate}:${x.usedAt ?? ""}:${x.expiredAt ?? ""}`),
    a?.convergedStep ?? null,
    Object.entries(a?.last ?? {}).map(([name, m]) => `${name}:${m.verdict}`),
    obs?.alarms.ok ? obs.alarms.value.alarms.map((x) => `${x.name}:${x.state}`) : null,
  ]);
}
