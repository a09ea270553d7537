/**
 * A mutable working copy of the state for one call of `transition`, with the helpers every rule uses:
 * appending events (gap-free sequence numbers), changing phase with an event, and the outcome fields.
 */
import type { ExitCode } from "../errors.ts";
import type { CompiledPlan } from "../plan/compile.ts";
import type { Finding } from "./observation.ts";
import type { Evidence, EventRecord, Phase, Reason, UpgradeState } from "./state.ts";
import type { EventType, RefusalCode } from "./vocabulary.ts";

/** A side effect, as plain data; the driver performs it through the ports. */
export type Action =
  /** `only`: the pairs (by label) still to send when an interrupted shift reached the others. */
  | { type: "shift"; green: number; step: number; only?: string[] }
  | { type: "wait-insync"; changeIds: string[] }
  | { type: "retire"; mode: "delete" | "scale-to-zero" }
  | { type: "delete-blue-records" };

/** A command the transition refuses, with why and what to do (the driver turns it into a ToolError). */
export interface Refusal {
  code: RefusalCode;
  message: string;
  hint: string;
  exitCode: ExitCode;
  findings?: Finding[];
}

export class Draft {
  readonly state: UpgradeState;
  readonly events: EventRecord[] = [];
  readonly actions: Action[] = [];
  exitCode: ExitCode | undefined;
  refusal: Refusal | undefined;
  findings: Finding[] = [];

  constructor(
    state: UpgradeState,
    readonly plan: CompiledPlan,
    readonly now: Date,
  ) {
    this.state = structuredClone(state);
    this.state.updatedAt = now.toISOString();
  }

  get iso(): string {
    return this.now.toISOString();
  }

  event(
    type: EventType,
    message: string,
    extra: { from?: Phase; to?: Phase; evidence?: Evidence; step?: number } = {},
  ): void {
    const record: EventRecord = {
      seq: this.state.events.length + 1,
      at: this.iso,
      type,
      ...(extra.from !== undefined ? { from: extra.from } : {}),
      ...(extra.to !== undefined ? { to: extra.to } : {}),
      step: extra.step ?? this.state.step,
      message,
      ...(extra.evidence && Object.keys(extra.evidence).length > 0 ? { evidence: extra.evidence } : {}),
    };
    this.state.events.push(record);
    this.events.push(record);
  }

  /** Moves to `to` and logs it (a no-op phase change logs nothing). */
  enter(to: Phase, type: EventType, message: string, evidence?: Evidence, step?: number): void {
    const from = this.state.phase;
    this.state.phase = to;
    this.state.reason = { code: "entered", event: type, text: message };
    this.event(type, message, {
      from,
      to,
      ...(evidence ? { evidence } : {}),
      ...(step !== undefined ? { step } : {}),
    });
  }

  wait(reason: Reason, exitCode?: ExitCode): void {
    this.state.reason = reason;
    if (exitCode !== undefined) this.exitCode = exitCode;
  }

  refuse(refusal: Refusal): void {
    this.refusal = refusal;
  }
}
