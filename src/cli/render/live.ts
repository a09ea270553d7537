/**
 * What `run` shows while it works. On a terminal: a block redrawn in place (phase, step, weights with a
 * bar, bake countdown, alarm states, reason) with events scrolling above it. Otherwise: plain
 * timestamped lines, one per event and one per change of reason, fit for CI logs.
 */
import type { Output } from "../context.ts";
import type { CompiledPlan } from "../../plan/compile.ts";
import type { Observation } from "../../engine/observation.ts";
import type { EventRecord, UpgradeState } from "../../engine/state.ts";
import { bakeEndsAt } from "../../engine/watch.ts";
import { alarmsLine, clock, eventLine, weightsSummary } from "./text.ts";
import { statusAnalysisText } from "./status-analysis.ts";

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
  private lastPlainReason = "";
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
      const stable = reason.replace(/\d+s left/, "…").replace(/\d+s until/, "… until");
      if (stable !== this.lastPlainReason && reason !== this.lastEvent)
        this.out.print(`${clock(this.now())} ${reason}`);
      this.lastPlainReason = stable;
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
    lines.push(`  alarms   ${alarmsLine(this.observation)}`);
    lines.push(...statusAnalysisText(this.plan, s));
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
