/**
 * The tool's vocabularies, each one `as const` list with the union type derived from it: the one source
 * for every code the engine logs, stores or refuses with. Code that emits uses the typed union (a typo
 * fails typecheck), the state schema checks the stored ones on read (state.ts), and nothing decides by
 * matching prose: decisions read these codes and the fields beside them.
 *
 * Phases live in state.ts (`PHASES`); finding codes of the Kubernetes health checks, the resilience
 * audit and readiness are typed where they are produced (`Finding.code` is open: the audit's rules add
 * their own). Pure data: no imports.
 */

/** Every `type` of a record in the event log (state.events), engine, driver and notifications alike. */
export const EVENT_TYPES = [
  "created",
  "preflight-passed",
  "adopted",
  "adopted-live",
  "shift-started",
  "shift-submitted",
  "in-sync",
  "split-converged",
  "bake-restarted",
  "bake-complete",
  "analysis",
  "hold",
  "hold-cleared",
  "awaiting-approval",
  "approved",
  "approval-expired",
  "holding",
  "waiting-to-retire",
  "retire-started",
  "retired",
  "blue-records-deleted",
  "completed",
  "paused",
  "drift",
  "drift-fight",
  "resumed",
  "plan-change-accepted",
  "reconciled",
  "action-failed",
  "rollback-started",
  "rollback-step",
  "rollback-step-started",
  "rolled-back",
  "lock-takeover",
  "notified",
  "notify-failed",
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/**
 * Events after which the weights read at the start of the tick are out of date: the tick wrote (or
 * adopted, or confirmed) the split, so the written split is the one to show.
 */
export const WRITES_TRAFFIC: ReadonlySet<EventType> = new Set<EventType>([
  "shift-submitted",
  "in-sync",
  "reconciled",
  "rolled-back",
  "adopted",
  "bake-restarted",
]);

/** Events that record a drift of the live weights (a hand edit or another writer fighting the tool). */
export const DRIFT_EVENTS: ReadonlySet<EventType> = new Set<EventType>(["drift", "drift-fight"]);

/** Why an upgrade is paused (`state.pause.code`, and `evidence.pauseCode` on the pausing event). */
export const PAUSE_CODES = [
  "drift",
  "drift-fight",
  "hold-timeout",
  "verdict-fail",
  "targets-on-blue",
  "split-not-converged",
] as const;
export type PauseCode = (typeof PAUSE_CODES)[number];

/** Pause codes that log their own event type (the others log `paused`). */
export const PAUSE_EVENT: Record<PauseCode, EventType> = {
  drift: "drift",
  "drift-fight": "drift-fight",
  "hold-timeout": "paused",
  "verdict-fail": "paused",
  "targets-on-blue": "paused",
  "split-not-converged": "paused",
};

/**
 * Why the upgrade waits or stopped (`state.reason.code`); its parameters sit beside the code, and
 * `reasonText` (reason.ts) turns it into the sentence `status` and `run` show.
 */
export const REASON_CODES = [
  /** A state written before reasons had codes: only its sentence is known (`text`). */
  "legacy",
  "not-started",
  /** The phase changed: `event` is the event's type, `text` its message. */
  "entered",
  /** Paused: `text` is the pause's reason (the code is `state.pause.code`). */
  "paused",
  /** Waiting for INSYNC: `green`, and `step` when a step's shift. */
  "waiting-insync",
  /** Baking: `step`, `green`, `until` (the bake's end), `unwatchedMs` (added for unwatched time). */
  "baking",
  /** The bake of `step` is complete (the next step's gate, window or capacity decides what follows). */
  "bake-complete",
  /** A verdict of `verdict` (error, inconclusive) holds: `text` its reasons, `until` rollback.onHoldTimeout. */
  "holding",
  /** Nothing on green yet and the verdict fails: `text` its reasons. */
  "not-shifting",
  /** Outside every change window: `until` when the next opens, if known. */
  "change-window",
  /** Waiting at the gate `gate` (`step-N`, `retire`): `text` says what and how to approve. */
  "awaiting-approval",
  /** `gate` approved: `text` is its label. */
  "approved",
  "already-rolled-back",
  /** A gradual rollback rests at `green` until `until`. */
  "rollback-step",
  /** A gradual rollback shifts to `green`. */
  "rollback-shifting",
  /** Green holds 100%: `text` (what retiring does) may start at `until`. */
  "retire-countdown",
  /** Blue is not retired while `text` (targets) cannot be read. */
  "retire-unreadable",
  /** EKS still retires blue: `text` names the cluster and mode. */
  "retire-pending",
  /** An interrupted change cannot be checked: `text` is why the targets are unreadable. */
  "traffic-unreadable",
  /** The action `action` failed with `text`; the next tick reconciles. */
  "action-failed",
  /** Holding before `step` (`green`) until green is large enough: `text` the shortfalls. */
  "capacity",
  /** Waiting for the observed split: `text` says which and how long. */
  "split",
] as const;
export type ReasonCode = (typeof REASON_CODES)[number];

/** A command or tick the transition refuses (`Refusal.code`, the `error.code` of its ToolError). */
export const REFUSAL_CODES = [
  "preflight-failed",
  "cannot-adopt-live",
  "plan-changed",
  "nothing-to-approve",
  "cannot-roll-back",
  "plan-change-rejected",
  "plan-change-drops-live-targets",
  "nothing-to-adopt",
  "drift-fight",
  "drift",
  "cannot-adopt",
] as const;
export type RefusalCode = (typeof REFUSAL_CODES)[number];

/** Every other `ToolError` code (src/errors.ts and its callers); `error.code` in `--output json`. */
export const TOOL_ERROR_CODES = [
  "usage",
  "unknown-command",
  "unknown-option",
  "missing-argument",
  "missing-option-value",
  "missing-option",
  "too-many-arguments",
  "invalid-argument",
  "conflicting-options",
  "missing-command",
  "interrupted",
  "internal",
  "invalid-plan",
  "invalid-fleet",
  "invalid-env",
  "invalid-manifest",
  "invalid-weight",
  "invalid-weighted-record",
  "locked",
  "lock-holder-alive",
  "precondition-failed",
  "aws-error",
  "state-damaged",
  "state-inconsistent",
  "state-version",
  "state-other-plan",
  "state-missing",
  "state-io",
  "no-upgrade",
  "cluster-not-found",
  "retire-timeout",
  "retire-failed",
  "report-write-failed",
  "manifests-not-found",
  "manifests-unreadable",
  "kubernetes-unreachable",
  "demo-failed",
  "all-zero-weights",
  "ambiguous-zone",
  "zone-unspecified",
  "batch-too-large",
  "record-missing",
] as const;
export type ToolErrorCode = (typeof TOOL_ERROR_CODES)[number];

export const ERROR_CODES = [...TOOL_ERROR_CODES, ...REFUSAL_CODES] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** Finding codes of the engine's own checks (preflight, capacity, analysis). */
export const ENGINE_FINDING_CODES = [
  "green-cluster-missing",
  "green-not-active",
  "green-wrong-version",
  "green-cluster-issues",
  "green-ready",
  "zone-not-found",
  "record-missing",
  "record-not-weighted",
  "weights-all-zero",
  "record-found",
  "target-found",
  "weights-not-all-blue",
  "other-weighted-records",
  "bake-shorter-than-ttl",
  "alarm-missing",
  "alarm-firing",
  "alarm-insufficient-data",
  "alarm-recently-fired",
  "alarms-found",
  "target-in-other-upgrade",
  "readiness-unreadable",
  "audit-unreadable",
  "blue-capacity-short",
  "hpa-max-too-low",
  "addon-missing",
  "addon-unhealthy",
  "insight-error",
  "insight-warning",
  "nodegroup-missing",
  "nodegroup-unhealthy",
  "alarms-unreadable",
  "green-unreadable",
  "kubernetes-unreadable",
  "listeners-unreadable",
  "other-upgrades-unreadable",
  "traffic-unreadable",
  "endpoint-groups-unreadable",
  "listener-arn-wrong",
  "listener-wrong-region",
  "rule-arn-wrong",
  "rule-not-on-listener",
  "endpoint-group-arn-wrong",
  "endpoint-arn-wrong",
  "listener-not-found",
  "rule-not-found",
  "target-group-not-found",
  "listener-not-forward",
  "listener-other-target-groups",
  "target-group-not-attached",
  "endpoint-group-not-found",
  "endpoint-missing",
] as const;
export type EngineFindingCode = (typeof ENGINE_FINDING_CODES)[number];

/** A finding of the engine's own checks (observation.ts `Finding`, narrowed). */
export interface EngineFinding {
  severity: "error" | "warning" | "info";
  code: EngineFindingCode;
  message: string;
  subject?: string;
}
