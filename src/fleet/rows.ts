/**
 * One row per upgrade of a fleet, from its reading and the wave rules: phase, step, weights, what it
 * waits for and on whom, since when. Pure; `fleet status` and `fleet advance` render these rows.
 */
import type { UpgradeState } from "../engine/state.ts";
import { storedReasonText } from "../engine/reason.ts";
import type { PlanReading } from "./read.ts";
import { holdText, type Decision, type Hold } from "./rules.ts";

/** Who has to do something next. `person` rows make `fleet status` exit 4. */
export const WAITING_ON = ["time", "person", "scheduler"] as const;
export type WaitingOn = (typeof WAITING_ON)[number];

export interface WaitingFor {
  /** Stable code: bake, approval, retire-approval, resume, repair, restart, insync, retire-wait, first-tick, … or a hold code. */
  what: string;
  on: WaitingOn;
  /** e.g. the pause code (`drift`) or the gate (`step-2`). */
  detail?: string;
}

export interface FleetRow {
  plan: string;
  file: string;
  wave: string;
  /** The upgrade's phase; `pending` when not started, `damaged` when its state cannot be read. */
  phase: string;
  step: number;
  steps: number;
  weights: { blue: number; green: number } | null;
  waitingFor: WaitingFor | null;
  since: string | null;
  reason: string;
  /** Coded reason: the pause code, else the state's reason code; the hold code; the state error code. */
  reasonCode: string | null;
  hold: Hold | null;
  lock: { holder: string; command: string; leaseUntil: string } | null;
  location: string;
}

function lastEntered(state: UpgradeState): string | undefined {
  for (let i = state.events.length - 1; i >= 0; i--) {
    if (state.events[i]!.to === state.phase) return state.events[i]!.at;
  }
  return undefined;
}

function waitingFor(state: UpgradeState): WaitingFor | null {
  const gate = `step-${state.step + 1}`;
  switch (state.phase) {
    case "pending":
      return { what: "start", on: "time" };
    case "preflight":
      return { what: "next-tick", on: "scheduler" };
    case "shifting":
    case "rolling-back":
      return { what: "insync", on: "time" };
    case "baking":
      return { what: "bake", on: "time" };
    case "awaiting-approval":
      return { what: "approval", on: "person", detail: gate };
    case "holding":
      return { what: "retire-wait", on: "time" };
    case "waiting-to-retire":
      return { what: "retire-approval", on: "person", detail: "retire" };
    case "retiring":
      return { what: "retirement", on: "time" };
    case "paused":
      return { what: "resume", on: "person", ...(state.pause ? { detail: state.pause.code } : {}) };
    case "rolled-back":
      return { what: "restart", on: "person" };
    case "completed":
      return null;
  }
}

function since(state: UpgradeState): string | null {
  if (state.phase === "paused" && state.pause) return state.pause.since;
  if (state.phase === "baking" && state.bakeStartedAt) return state.bakeStartedAt;
  if (state.phase === "holding" && state.fullSince) return state.fullSince;
  return lastEntered(state) ?? state.updatedAt;
}

export function fleetRow(r: PlanReading, decision: Decision | undefined): FleetRow {
  const base = {
    plan: r.plan.name,
    file: r.plan.file,
    wave: decision?.wave ?? "",
    steps: r.plan.plan.steps.length,
    location: r.location,
    hold: decision?.kind === "hold" ? decision.hold : null,
    lock: r.lock
      ? { holder: `${r.lock.host}:${r.lock.pid}`, command: r.lock.command, leaseUntil: r.lock.leaseUntil }
      : null,
  };
  const s = r.summary;
  if (s.kind === "damaged") {
    return {
      ...base,
      phase: "damaged",
      step: 0,
      weights: null,
      waitingFor: { what: "repair", on: "person" },
      since: null,
      reason: s.message,
      reasonCode: s.code,
    };
  }
  if (s.kind === "not-started" || !r.state) {
    const held = decision?.kind === "hold" ? decision.hold : undefined;
    return {
      ...base,
      phase: "pending",
      step: 0,
      weights: { blue: 100, green: 0 },
      waitingFor: held
        ? { what: held.code, on: held.code === "earlier-wave-problem" ? "person" : "time", detail: held.wave }
        : { what: "first-tick", on: "scheduler" },
      since: null,
      reason: held ? holdText(held) : "Not started: the next `advance` starts it.",
      reasonCode: held ? held.code : "not-started",
    };
  }
  const state = r.state;
  return {
    ...base,
    phase: state.phase,
    step: state.step,
    weights: { blue: 100 - state.writtenGreen, green: state.writtenGreen },
    waitingFor: waitingFor(state),
    since: since(state),
    reason: state.pause?.reason ?? storedReasonText(state),
    reasonCode: state.pause?.code ?? state.reason.code,
  };
}

export function needsPerson(rows: readonly FleetRow[]): boolean {
  return rows.some((r) => r.waitingFor?.on === "person");
}

function shortTime(iso: string | null): string {
  return iso ? iso.replace("T", " ").replace(/\.\d+Z$|Z$/, "Z") : "-";
}

/** A plain-text table, columns padded to their widest cell. */
export function table(head: string[], body: string[][]): string[] {
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();
  return [line(head), ...body.map(line)];
}

export function rowsText(rows: readonly FleetRow[]): string[] {
  return table(
    ["PLAN", "WAVE", "PHASE", "STEP", "WEIGHTS", "WAITING FOR", "ON", "SINCE", "REASON"],
    rows.map((r) => [
      r.plan,
      r.wave,
      r.phase,
      `${r.step}/${r.steps}`,
      r.weights ? `${r.weights.blue}/${r.weights.green}` : "?",
      r.waitingFor ? `${r.waitingFor.what}${r.waitingFor.detail ? ` (${r.waitingFor.detail})` : ""}` : "-",
      r.waitingFor?.on ?? "-",
      shortTime(r.since),
      r.reason.split("\n")[0] ?? "",
    ]),
  );
}
